/**
 * Versioned schema migrations, applied in order inside one transaction each; `PRAGMA user_version`
 * records how far a database has come. Never edit a released migration: add a new one.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  INSERT INTO meta (key, value) VALUES ('config_version', '0');
  CREATE TABLE load_balancers (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
  );
  CREATE TABLE listeners (
    arn TEXT PRIMARY KEY,
    load_balancer_arn TEXT NOT NULL REFERENCES load_balancers(arn) ON DELETE CASCADE,
    port INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (load_balancer_arn, port)
  );
  CREATE TABLE target_groups (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
  );
  CREATE TABLE targets (
    target_group_arn TEXT NOT NULL REFERENCES target_groups(arn) ON DELETE CASCADE,
    id TEXT NOT NULL,
    port INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (target_group_arn, id, port)
  );
  CREATE TABLE target_health (
    target_group_arn TEXT NOT NULL,
    id TEXT NOT NULL,
    port INTEGER NOT NULL,
    node TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (target_group_arn, id, port, node)
  );
  `,
  `
  CREATE TABLE rules (
    arn TEXT PRIMARY KEY,
    listener_arn TEXT NOT NULL REFERENCES listeners(arn) ON DELETE CASCADE,
    priority INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (listener_arn, priority)
  );
  CREATE TABLE tags (
    resource_arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (resource_arn, key)
  );
  CREATE TABLE server_certificates (
    name TEXT PRIMARY KEY,
    arn TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    private_key_sealed TEXT NOT NULL
  );
  CREATE TABLE security_groups (
    group_id TEXT PRIMARY KEY,
    group_name TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
  );
  CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    secret_sealed TEXT NOT NULL
  );
  `,
];
