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
      SHOP_URL: mysql+pymysql://shop:${SHOP_DB_PASSWORD:?required}@db:3306/shop
      WIKI_URL: mysql://wiki:canary-url-2@wiki-db:3306/wiki
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
    assert!(module.contains("the scheme \"mysql+pymysql\" becomes"), "{module}");
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
