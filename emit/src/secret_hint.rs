//! What the person supplying a secret enters, said once for every target's setup text (Compose's
//! env example, Kubernetes' Secret prerequisite, the lists of values the Render and Railway
//! headers ask for): the stack's description (`Secret::describe`), what its uses require (a
//! password pasted into a connection URL must be URL-safe), and whether it may stay empty.

use std::collections::HashMap;

use stack_dsl::Stack;

/// What to enter for each secret of one stack, worked out once per stack.
#[derive(Debug, Clone)]
pub struct SecretHints {
    by_name: HashMap<String, String>,
}

impl SecretHints {
    /// The hints of every secret of `stack`.
    pub fn new(stack: &Stack) -> Self {
        let in_urls = stack_dsl::secrets_inside_urls(stack);
        let by_name = stack
            .secrets
            .iter()
            .map(|secret| {
                let mut text = secret.description.clone().unwrap_or_else(|| format!("Secret {}.", secret.name));
                if in_urls.contains(&secret.name.as_str()) {
                    text = format!("{text} The value {}.", stack_dsl::URL_SAFE_PASSWORD);
                }
                if secret.optional {
                    text = format!("{text} Optional: leave empty to run without it.");
                }
                (secret.name.clone(), text)
            })
            .collect();
        SecretHints { by_name }
    }

    /// What to enter for the secret `name`: its description, else a sentence naming it.
    pub fn of(&self, name: &str) -> String {
        self.by_name.get(name).cloned().unwrap_or_else(|| format!("Secret {name}."))
    }
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Datastore, Image, Port, Secret, Service, Stack};

    use super::SecretHints;

    #[test]
    fn a_hint_is_the_description_and_what_the_uses_require() {
        let mut stack = Stack::new("shop");
        let password = stack.add_secret(Secret::new("DB_PASSWORD").describe("Password of the shop user."));
        stack.add_secret(Secret::new("DD_API_KEY").optional());
        let db = stack.add_service(
            Service::new("db", Image::new("postgres:17"))
                .port(Port::tcp(5432))
                .datastore(Datastore::postgres(17).user("shop").database("shop").password(&password)),
        );
        stack.add_service(Service::new("api", Image::new("shop:1")).env("DATABASE_URL", db.database_url()));
        let hints = SecretHints::new(&stack);
        let password = hints.of("DB_PASSWORD");
        assert!(password.starts_with("Password of the shop user. The value is placed inside a connection URL"));
        assert_eq!(hints.of("DD_API_KEY"), "Secret DD_API_KEY. Optional: leave empty to run without it.");
    }
}
