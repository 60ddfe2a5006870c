-- The client port: where cluster clients (load generator, tools, device gateways) call a silo's grains, apart from the
-- silo-to-silo port. Null: the silo serves clients on its silo port.
ALTER TABLE membership_silos ADD COLUMN IF NOT EXISTS client_address text;
