-- Databricks OAuth token federation (issue 24): the audience the identity provider's exchanged token is issued for,
-- which the Databricks account's federation policy trusts (the gateway default when null). No secret is stored.
ALTER TABLE vault_connections ADD COLUMN federation_audience VARCHAR(255);
