//! The user or database name of a database another service provides, as a reference
//! (`db.database_user()`, `db.database_name()`): where the platform names them itself (Railway's
//! PostgreSQL creates its own user and database), the reference follows; where the stack names
//! them ([`crate::Datastore::user`], [`crate::Datastore::database`]), it is that name.

use crate::Datastore;

/// Which identity field of a database a value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DatabaseField {
    /// The user the services log in as.
    User,
    /// The database they use.
    Name,
}

impl DatabaseField {
    /// The value the stack declares for this field, if any.
    pub fn of(self, datastore: &Datastore) -> Option<&str> {
        match self {
            DatabaseField::User => datastore.user.as_deref(),
            DatabaseField::Name => datastore.database.as_deref(),
        }
    }

    /// `database user`, `database name`: how a message names the field.
    pub fn describe(self) -> &'static str {
        match self {
            DatabaseField::User => "database user",
            DatabaseField::Name => "database name",
        }
    }

    /// The builder method that declares the field on a [`Datastore`].
    pub fn builder(self) -> &'static str {
        match self {
            DatabaseField::User => "user",
            DatabaseField::Name => "database",
        }
    }
}
