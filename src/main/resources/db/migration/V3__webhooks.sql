-- Webhooks of the connection vault: each tenant's endpoint, and an outbox with one row per event to deliver.
-- Metadata only: the payload is the event's metadata (never a secret, never lakehouse data).

-- One endpoint per tenant. secret is the Standard Webhooks signing secret (whsec_...) sealed by a vault master key
-- ("<kid>:v1.<base64>", bound to the context 'webhook|<tenant>'): a copy moved to another tenant's row does not open.
CREATE TABLE vault_webhooks (
    tenant     VARCHAR(64)   NOT NULL PRIMARY KEY,
    url        VARCHAR(2000) NOT NULL,
    secret     VARCHAR(400)  NOT NULL,
    enabled    BOOLEAN       NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The outbox. id is the event id: the webhook-id header, the receiver's idempotency key, the same on every attempt.
-- A row is pending (next_attempt_at set), delivered (delivered_at) or failed for good (failed_at, kept for inspection).
-- lease_owner/lease_until: the instance that claimed the row for one attempt; every write after the claim names the
-- owner, so an instance whose lease lapsed cannot overwrite what the next one recorded.
CREATE TABLE vault_webhook_deliveries (
    id              VARCHAR(64)   NOT NULL PRIMARY KEY,
    tenant          VARCHAR(64)   NOT NULL,
    event_type      VARCHAR(40)   NOT NULL,
    payload         VARCHAR(16000) NOT NULL,
    attempts        INTEGER       NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    delivered_at    TIMESTAMP WITH TIME ZONE,
    failed_at       TIMESTAMP WITH TIME ZONE,
    -- the receiver's HTTP status of the last attempt (null: no answer), and a short reason (never a body or a secret)
    last_status     INTEGER,
    last_error      VARCHAR(300),
    lease_owner     VARCHAR(64),
    lease_until     TIMESTAMP WITH TIME ZONE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX vault_webhook_deliveries_due ON vault_webhook_deliveries (next_attempt_at);
CREATE INDEX vault_webhook_deliveries_tenant ON vault_webhook_deliveries (tenant, created_at);
