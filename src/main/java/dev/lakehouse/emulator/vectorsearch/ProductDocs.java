package dev.lakehouse.emulator.vectorsearch;

import java.util.List;

/**
 * The hand-written product documentation the seeded index {@code main.default.product_docs} holds: ten short
 * articles in each of the categories billing, security, connectors and sql. {@code price} is the monthly list
 * price in USD of the feature an article describes (0 when it is included in every plan), so numeric filters
 * have something to compare.
 */
final class ProductDocs {

    private ProductDocs() { }

    static final List<ProductDoc> ALL = List.of(
            // billing 1-10
            new ProductDoc(1, "Understand your monthly invoice",
                    "Your monthly invoice lists compute usage, storage and support charges per workspace. "
                            + "Invoices are issued on the first day of each month in USD.", "billing", 0.0),
            new ProductDoc(2, "Change the payment method",
                    "Account admins can replace the credit card or switch to bank transfer on the billing page. "
                            + "The new payment method is charged from the next invoice.", "billing", 0.0),
            new ProductDoc(3, "Set a budget alert",
                    "Budget alerts e-mail account admins when spending crosses a threshold. Create a budget, "
                            + "choose the workspaces it covers and the percentage that triggers the alert.", "billing", 9.0),
            new ProductDoc(4, "Download usage reports",
                    "Usage reports break down compute hours and storage per day, per cluster and per tag. "
                            + "Export them as CSV from the usage page or query the billing system table.", "billing", 0.0),
            new ProductDoc(5, "Apply a discount code",
                    "Enter a discount code on the billing page before the invoice closes. The discount is "
                            + "shown as a separate line and applies to compute charges only.", "billing", 0.0),
            new ProductDoc(6, "Committed use contracts",
                    "A committed use contract trades a yearly spending commitment for lower unit prices. "
                            + "Unused commitment does not roll over to the next contract year.", "billing", 499.0),
            new ProductDoc(7, "Tag clusters for cost allocation",
                    "Custom tags on clusters and warehouses appear in usage reports, so finance can charge "
                            + "each team for the compute it used.", "billing", 0.0),
            new ProductDoc(8, "Request a refund",
                    "Refunds for unexpected charges are handled by support. Open a ticket with the invoice "
                            + "number and the affected dates within thirty days.", "billing", 0.0),
            new ProductDoc(9, "Tax exemption certificates",
                    "Upload a tax exemption certificate in the account console to stop sales tax being added "
                            + "to future invoices.", "billing", 0.0),
            new ProductDoc(10, "Premium support plan",
                    "The premium support plan adds a named support engineer and a one hour response time "
                            + "for severity one incidents.", "billing", 249.0),
            // security 11-20
            new ProductDoc(11, "Rotate a personal access token",
                    "Personal access tokens should be rotated regularly. To rotate a personal access token, "
                            + "generate a new token in user settings, update every client that uses the old "
                            + "token, then revoke the old token.", "security", 0.0),
            new ProductDoc(12, "OAuth for service principals",
                    "Service principals authenticate with OAuth machine-to-machine credentials: a client id "
                            + "and a client secret exchanged for a short-lived bearer credential.", "security", 0.0),
            new ProductDoc(13, "Enable single sign-on",
                    "Single sign-on lets users log in with the identity provider of your company over SAML "
                            + "or OpenID Connect. Configure it in the account console.", "security", 0.0),
            new ProductDoc(14, "IP access lists",
                    "IP access lists restrict the networks that may reach a workspace. Add the CIDR ranges "
                            + "of your offices and VPN; every other address is blocked.", "security", 29.0),
            new ProductDoc(15, "Audit logs",
                    "Audit logs record logins, permission changes and data access. Deliver them to your "
                            + "storage bucket and keep them for compliance reviews.", "security", 19.0),
            new ProductDoc(16, "Customer-managed encryption keys",
                    "Encrypt notebooks, query results and managed storage with a key you own in your cloud "
                            + "key management service; revoking the key locks the data.", "security", 99.0),
            new ProductDoc(17, "Secret scopes",
                    "Store passwords and API credentials in secret scopes instead of notebooks. Grant READ on "
                            + "a scope to the groups that need it; values are redacted in output.", "security", 0.0),
            new ProductDoc(18, "Multi-factor authentication",
                    "Require a second factor at login for every user. Multi-factor authentication is enforced "
                            + "by your identity provider when single sign-on is on.", "security", 0.0),
            new ProductDoc(19, "Private connectivity",
                    "Private Link keeps traffic between users, clusters and the control plane on the cloud "
                            + "provider backbone instead of the public internet.", "security", 149.0),
            new ProductDoc(20, "Revoke access for a departing employee",
                    "Deactivate the user in your identity provider; SCIM provisioning then removes the user "
                            + "and their group memberships from every workspace.", "security", 0.0),
            // connectors 21-30
            new ProductDoc(21, "Connect to PostgreSQL",
                    "The PostgreSQL connector ingests tables incrementally using logical replication. Provide "
                            + "the host, port, database and a replication user.", "connectors", 39.0),
            new ProductDoc(22, "Salesforce connector",
                    "Sync accounts, opportunities and custom objects from Salesforce into Delta tables on a "
                            + "schedule. Authentication uses a connected app.", "connectors", 79.0),
            new ProductDoc(23, "Amazon S3 external locations",
                    "Register an S3 bucket as an external location with an IAM role, then read its files "
                            + "with SQL or load them with Auto Loader.", "connectors", 0.0),
            new ProductDoc(24, "Kafka streaming ingestion",
                    "Read Kafka topics as a stream: set the bootstrap servers, the topic and the starting "
                            + "offsets, and write the stream to a Delta table.", "connectors", 59.0),
            new ProductDoc(25, "Google Analytics connector",
                    "Load Google Analytics events and sessions daily. The connector backfills up to thirteen "
                            + "months of history on the first run.", "connectors", 49.0),
            new ProductDoc(26, "JDBC and ODBC drivers",
                    "BI tools connect through the JDBC and ODBC drivers using the server hostname and HTTP "
                            + "path of a SQL warehouse.", "connectors", 0.0),
            new ProductDoc(27, "MySQL change data capture",
                    "Capture inserts, updates and deletes from MySQL binlogs and apply them to a Delta table "
                            + "in order.", "connectors", 39.0),
            new ProductDoc(28, "SharePoint document ingestion",
                    "Ingest PDF and Word documents from SharePoint sites for search and retrieval augmented "
                            + "generation pipelines.", "connectors", 69.0),
            new ProductDoc(29, "Azure Blob Storage",
                    "Access Azure Blob Storage and Data Lake Storage containers with a managed identity or a "
                            + "service principal.", "connectors", 0.0),
            new ProductDoc(30, "Workday reports connector",
                    "Pull Workday custom reports into tables on a schedule. Authentication uses an "
                            + "integration system user.", "connectors", 89.0),
            // sql 31-40
            new ProductDoc(31, "Create a SQL warehouse",
                    "SQL warehouses run queries from the SQL editor, dashboards and BI tools. Pick a size, "
                            + "an auto stop time and a scaling range.", "sql", 0.0),
            new ProductDoc(32, "Query history",
                    "Query history shows every statement run on a warehouse with its duration, rows and the "
                            + "user who ran it; filter by status to find failures.", "sql", 0.0),
            new ProductDoc(33, "Parameterized queries",
                    "Use named parameter markers such as :region in a statement and pass the values "
                            + "separately, which avoids SQL injection.", "sql", 0.0),
            new ProductDoc(34, "Window functions",
                    "Window functions like row_number, rank and lag compute values across rows related to "
                            + "the current row without collapsing them.", "sql", 0.0),
            new ProductDoc(35, "Materialized views",
                    "A materialized view stores the result of a query and refreshes it incrementally when the "
                            + "source tables change.", "sql", 25.0),
            new ProductDoc(36, "Serverless SQL warehouses",
                    "Serverless warehouses start in seconds and scale automatically; you pay only while "
                            + "queries run.", "sql", 0.0),
            new ProductDoc(37, "Query result caching",
                    "Repeated queries on unchanged tables are answered from the result cache without using "
                            + "compute.", "sql", 0.0),
            new ProductDoc(38, "Alerts on query results",
                    "SQL alerts run a query on a schedule and notify a destination when a value crosses a "
                            + "threshold.", "sql", 0.0),
            new ProductDoc(39, "Statement timeout",
                    "Set the statement timeout on a warehouse to cancel queries that run longer than the "
                            + "limit.", "sql", 0.0),
            new ProductDoc(40, "Dashboards",
                    "Build dashboards from SQL queries, share them with viewers and schedule e-mail "
                            + "snapshots.", "sql", 15.0));
}
