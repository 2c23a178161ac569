-- Cloud identities of issue 24: longer auth method names (azure-client-secret, google-credentials), the Entra tenant
-- and workspace resource id of an Azure service principal connection, and room for a service-account key JSON
-- (secret) and a bearer token with its companion header token (access_token), both sealed.
ALTER TABLE vault_connections ALTER COLUMN auth_method SET DATA TYPE VARCHAR(32);
ALTER TABLE vault_connections ADD COLUMN azure_tenant_id VARCHAR(64);
ALTER TABLE vault_connections ADD COLUMN azure_resource_id VARCHAR(500);
ALTER TABLE vault_grants ALTER COLUMN secret SET DATA TYPE VARCHAR(8000);
ALTER TABLE vault_grants ALTER COLUMN access_token SET DATA TYPE VARCHAR(16000);
