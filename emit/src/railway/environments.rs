//! How the program tells environments apart: `ctx.environment`, the name of the Railway
//! environment it is applied to. The last choice is the fallback, taken by any name the program
//! does not list. With pull-request previews, Railway's PR environments get names of their own
//! and copy a base environment (<https://docs.railway.com/guides/environments#enable-pr-environments>),
//! so that environment is the fallback and its conditions are written as "none of the others".

use stack_dsl::Env;

use super::ts::{self, Ts};

/// The hosted environments of the program, and the one unlisted names are given.
pub struct Environments {
    named: Vec<Env>,
    previews_from: Option<Env>,
}

impl Environments {
    /// The program's environments, where unlisted names (PR environments) get `previews_from`.
    pub fn new(named: Vec<Env>, previews_from: Option<Env>) -> Self {
        Environments { named, previews_from }
    }

    /// True when names the program does not list (PR environments) are applied too.
    pub fn takes_unlisted(&self) -> bool {
        self.previews_from.is_some()
    }

    /// The value itself when every environment agrees, else a choice on `ctx.environment`.
    pub fn choose(&self, mut per_env: Vec<(Env, Ts)>) -> Ts {
        if per_env.windows(2).all(|w| w[0].1 == w[1].1) {
            return per_env.remove(0).1;
        }
        if let Some(at) = per_env.iter().position(|(env, _)| Some(*env) == self.previews_from) {
            let fallback = per_env.remove(at);
            per_env.push(fallback);
        }
        let Some((_, last)) = per_env.pop() else { return Ts::Undefined };
        per_env
            .into_iter()
            .rev()
            .fold(last, |otherwise, (env, value)| Ts::If(self.condition(&[env]), Box::new(value), Box::new(otherwise)))
    }

    /// True in `envs`: `ctx.environment === "production"`, or several joined with `||`; for a
    /// set holding the environment previews copy, false in each of the others instead.
    pub fn condition(&self, envs: &[Env]) -> String {
        let is = |env: &Env| format!("ctx.environment === {}", ts::quote(env.name()));
        match self.previews_from {
            Some(from) if envs.contains(&from) => {
                let others: Vec<String> = self.named.iter().filter(|env| !envs.contains(env)).map(is).collect();
                format!("!({})", others.join(" || "))
            }
            _ => envs.iter().map(is).collect::<Vec<_>>().join(" || "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_request_environments_take_the_copied_environment() {
        let qa = Env::hosted("qa");
        let without = Environments::new(vec![qa, Env::Production], None);
        let per_env = || vec![(qa, Ts::str("1")), (Env::Production, Ts::str("3"))];
        let plain = without.choose(per_env());
        assert_eq!(plain, Ts::If("ctx.environment === \"qa\"".into(), Box::new(Ts::str("1")), Box::new(Ts::str("3"))));
        let with = Environments::new(vec![qa, Env::Production], Some(qa));
        let previewed = with.choose(per_env());
        let expected =
            Ts::If("ctx.environment === \"production\"".into(), Box::new(Ts::str("3")), Box::new(Ts::str("1")));
        assert_eq!(previewed, expected, "an unlisted name (a PR environment) gets qa's value");
        assert_eq!(with.condition(&[qa]), "!(ctx.environment === \"production\")");
        assert_eq!(with.condition(&[Env::Production]), "ctx.environment === \"production\"");
    }
}
