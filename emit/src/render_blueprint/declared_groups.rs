//! The stack's own [`stack_dsl::EnvGroup`]s as Render environment groups
//! (<https://render.com/docs/blueprint-spec#environment-groups>), named `<stack>-<env>-<group>`
//! and attached to each member with `fromGroup`. A group on Render holds values, generated values
//! and values asked for in the dashboard, not `fromDatabase` or `fromService` references, so
//! those stay on each member. The values the stack did not group but several services set alike
//! are grouped afterwards by `lower.rs`, under other names.

use std::collections::HashSet;

use stack_dsl::ValidStack;

use super::model::{EnvVar, EnvVarGroup, Service};

/// Move the groupable variables of each declared group out of its members into one Render
/// group, and record the groups' names in `taken`.
pub fn share_declared_groups(
    prefix: &str,
    stack: &ValidStack,
    services: &mut [Service],
    groupable: impl Fn(&EnvVar) -> bool,
    taken: &mut HashSet<String>,
) -> Vec<EnvVarGroup> {
    let mut out = Vec::new();
    for group in &stack.env_groups {
        let members: Vec<usize> = services
            .iter()
            .enumerate()
            .filter(|(_, out)| {
                let model = out.name.strip_prefix(prefix).and_then(|n| n.strip_prefix('-'));
                model.and_then(|n| stack.service(n)).is_some_and(|s| s.env_groups.contains(&group.name))
            })
            .map(|(i, _)| i)
            .collect();
        let in_group = |var: &EnvVar| groupable(var) && var.key().is_some_and(|key| group.sets(key));
        let Some(&first) = members.first() else { continue };
        let vars: Vec<EnvVar> = services[first].env_vars.iter().filter(|v| in_group(v)).cloned().collect();
        if vars.is_empty() {
            continue;
        }
        let name = format!("{prefix}-{}", group.name);
        for &i in &members {
            let env_vars = &mut services[i].env_vars;
            let at = env_vars.iter().position(|v| vars.contains(v)).unwrap_or(0);
            env_vars.retain(|v| !vars.contains(v));
            env_vars.insert(at, EnvVar::Group { from_group: name.clone() });
        }
        taken.insert(name.clone());
        out.push(EnvVarGroup { name, env_vars: vars });
    }
    out
}
