//! What `stackwright import` makes of MySQL, MariaDB and MongoDB services: datastores
//! recognised from the official images under any registry prefix and tag, their user,
//! database and password read from the images' own variables, clients' `mysql://` and
//! `mongodb://` URLs turned into typed references, and a check that asks only the Unix socket
//! replaced by the datastore's own.

#![cfg(feature = "import")]

use emit::import::{self, Imported, Source};

fn run(text: &str) -> Imported {
    let no_env_files =
        |_: &str, path: &str| Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{path} not found")));
    import::import(&[Source { path: "compose.yaml".into(), text: text.into() }], Some("site"), "site", &no_env_files)
        .unwrap_or_else(|problems| panic!("{problems:?}"))
}

const COMPOSE: &str = r#"
services:
  db:
    image: docker.io/library/mysql:8.4
    environment:
      MYSQL_DATABASE: shop
      MYSQL_USER: shop
      MYSQL_PASSWORD: ${SHOP_DB_PASSWORD:?required}
      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD:?required}
    healthcheck:
      test: ["CMD", "mysqladmin", "ping", "-h", "localhost"]
    volumes:
      - db:/var/lib/mysql
  wiki-db:
    image: mariadb:11
    environment:
      MYSQL_DATABASE: wiki
      MYSQL_USER: wiki
      MYSQL_PASSWORD: canary-literal-1
  mongo:
    image: mongo:7
    environment:
      MONGO_INITDB_ROOT_USERNAME: chat
      MONGO_INITDB_ROOT_PASSWORD: ${MONGO_PASSWORD:?required}
      MONGO_INITDB_DATABASE: chat
  app:
    image: ghcr.io/site/app:1
    environment:
      SHOP_URL: mysql://shop:${SHOP_DB_PASSWORD:?required}@db:3306/shop
      WIKI_URL: mysql://wiki:canary-literal-1@wiki-db:3306/wiki
      WIKI_OTHER_URL: mysql://wiki:canary-url-2@wiki-db:3306/wiki
      CHAT_URL: mongodb://chat:${MONGO_PASSWORD:?required}@mongo:27017/chat?authSource=admin
    depends_on: [db, wiki-db, mongo]
volumes:
  db:
"#;

#[test]
fn mysql_mariadb_and_mongo_images_become_datastores_with_their_credentials() {
    let module = run(COMPOSE).module;
    for expected in [
        ".datastore(Datastore::mysql(8).user(\"shop\").database(\"shop\").password(&shop_db_password))",
        // MariaDB reads MySQL's names too; the literal password became a secret.
        ".datastore(Datastore::mariadb(11).user(\"wiki\").database(\"wiki\").password(&mysql_password))",
        ".datastore(Datastore::mongo(7).user(\"chat\").database(\"chat\").password(&mongo_password))",
    ] {
        let flat: String =
            module.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(").replace(" .", ".");
        assert!(flat.contains(expected), "{expected} missing from:\n{module}");
    }
    assert!(module.contains(".port(Port::tcp(27017))"), "{module}");
    assert!(!module.contains("no datastore for"), "{module}");
}

#[test]
fn clients_urls_become_typed_references_and_no_password_reaches_the_module() {
    let imported = run(COMPOSE);
    let module = &imported.module;
    for (key, service) in [("SHOP_URL", "db_service"), ("WIKI_URL", "wiki_db"), ("CHAT_URL", "mongo")] {
        assert!(module.contains(&format!(".env(\"{key}\", {service}.database_url())")), "{key}:\n{module}");
    }
    assert!(
        module.contains(".env(\"WIKI_OTHER_URL\", &wiki_other_url)"),
        "another password is not the datastore's:\n{module}"
    );
    for canary in ["canary-literal-1", "canary-url-2"] {
        assert!(!module.contains(canary), "{canary} leaked into:\n{module}");
    }
}

#[test]
fn a_mysqladmin_check_on_the_socket_gives_way_to_the_datastores_own() {
    let module = run(COMPOSE).module;
    assert!(!module.contains("\"localhost\""), "the socket-only check was kept:\n{module}");
    assert!(module.contains("the file's mysqladmin asked the Unix socket"), "{module}");
}

/// Each URL names a datastore's host but not the URL `database_url()` spells for it: another
/// user, database, driver scheme or options. Each must stay what the file said (a deploy-time
/// value holding the whole URL), never the datastore's own URL.
#[test]
fn urls_naming_another_user_database_scheme_or_options_are_not_the_datastores_url() {
    let compose = r#"
services:
  db:
    image: mysql:8.4
    environment:
      MYSQL_DATABASE: shop
      MYSQL_USER: shop
      MYSQL_PASSWORD: ${SHOP_PW:?required}
      MYSQL_ROOT_PASSWORD: ${ROOT_PW:?required}
  pg:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_DB: app
      POSTGRES_PASSWORD: ${PG_PW:?required}
  mongo:
    image: mongo:7
    environment:
      MONGO_INITDB_ROOT_USERNAME: root
      MONGO_INITDB_ROOT_PASSWORD: ${MONGO_ROOT_PW:?required}
      MONGO_INITDB_DATABASE: chat
  app:
    image: ghcr.io/site/app:1
    environment:
      OWN_URL: mysql://shop:${SHOP_PW}@db:3306/shop
      PG_OWN_URL: postgres://app:${PG_PW}@pg:5432/app
      MONGO_OWN_URL: mongodb://root:${MONGO_ROOT_PW}@mongo:27017/chat?authSource=admin
      CHAT_URL: mongodb://app:${APP_PW}@mongo:27017/chat
      READER_URL: mysql://reader:${READER_PW}@db/shop
      ANALYTICS_URL: mysql://shop:${SHOP_PW}@db:3306/analytics
      REPLICA_URL: mongodb://root:${MONGO_ROOT_PW}@mongo:27017/chat?authSource=admin&replicaSet=rs0
      RAILS_URL: mysql2://shop:${SHOP_PW}@db:3306/shop
      PYMYSQL_URL: mysql+pymysql://shop:${SHOP_PW}@db:3306/shop
      ASYNCMY_URL: mysql+asyncmy://shop:${SHOP_PW}@db:3306/shop
      AIOMYSQL_URL: mysql+aiomysql://shop:${SHOP_PW}@db:3306/shop
      PSYCOPG_URL: postgresql+psycopg://app:${PG_PW}@pg:5432/app
      ASYNCPG_URL: postgresql+asyncpg://app:${PG_PW}@pg:5432/app
"#;
    let module = run(compose).module;
    for (key, service) in [("OWN_URL", "db"), ("PG_OWN_URL", "pg"), ("MONGO_OWN_URL", "mongo")] {
        assert!(module.contains(&format!(".env(\"{key}\", {service}.database_url())")), "{key}:\n{module}");
    }
    for (key, why) in [
        ("CHAT_URL", "it logs in as user \"app\""),
        ("READER_URL", "it logs in as user \"reader\""),
        ("ANALYTICS_URL", "it names the database \"analytics\""),
        ("REPLICA_URL", "replicaSet=rs0"),
        ("RAILS_URL", "its scheme \"mysql2\""),
        ("PYMYSQL_URL", "its scheme \"mysql+pymysql\""),
        ("ASYNCMY_URL", "its scheme \"mysql+asyncmy\""),
        ("AIOMYSQL_URL", "its scheme \"mysql+aiomysql\""),
        ("PSYCOPG_URL", "its scheme \"postgresql+psycopg\""),
        ("ASYNCPG_URL", "its scheme \"postgresql+asyncpg\""),
    ] {
        let reference = format!(".env(\"{key}\", &{})", key.to_ascii_lowercase());
        assert!(module.contains(&reference), "{key} is not kept whole:\n{module}");
        let flat = module.split_whitespace().collect::<Vec<_>>().join(" ").replace("// ", "");
        assert!(flat.contains(why), "{key}: the comment does not say {why:?}:\n{module}");
    }
    // The template, with its variables, stays in the secret's description.
    assert!(module.contains("mongodb://app:${APP_PW}@mongo:27017/chat"), "{module}");
}

/// The mongo image enables authentication only when both root variables are set
/// (<https://hub.docker.com/_/mongo>); without them the datastore has no user, and clients'
/// URLs without credentials are its own.
#[test]
fn a_mongo_without_root_user_is_a_datastore_without_authentication() {
    let compose = r#"
services:
  mongo:
    image: mongo:7
    environment:
      MONGO_INITDB_DATABASE: chat
  app:
    image: ghcr.io/site/app:1
    environment:
      MONGO_URL: mongodb://mongo:27017/chat
"#;
    let module = run(compose).module;
    let flat: String = module.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(").replace(" .", ".");
    assert!(flat.contains(".datastore(Datastore::mongo(7).database(\"chat\"))"), "{module}");
    assert!(!module.contains(".user("), "{module}");
    assert!(module.contains(".env(\"MONGO_URL\", mongo.database_url())"), "{module}");
    assert!(flat.replace("// ", "").contains("so the image runs without authentication"), "{module}");
}

/// A database the file leaves to the image's default (no `POSTGRES_DB`) while every client's
/// URL names one the application creates (Mastodon's `social_production`): that database is
/// the datastore's, so `database_url()` names it rather than the image's `postgres`.
#[test]
fn the_database_every_client_names_is_the_datastores_when_the_file_names_none() {
    let compose = r#"
services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_HOST_AUTH_METHOD: trust
  web:
    image: ghcr.io/mastodon/mastodon:v4.3
    environment:
      DATABASE_URL: postgresql://postgres@db:5432/social_production
"#;
    let module = run(compose).module;
    let flat: String = module.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(").replace(" .", ".");
    assert!(
        flat.contains(".datastore(Datastore::postgres(16).user(\"postgres\").database(\"social_production\"))"),
        "{module}"
    );
    assert!(module.contains(".env(\"DATABASE_URL\", db.database_url())"), "{module}");
}
