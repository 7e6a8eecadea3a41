//! Start-order cycles: the loops of the `depends_on` graph, found in one pass in O(services +
//! dependencies). Tarjan's strongly connected components (Tarjan 1972, "Depth-first search and
//! linear graph algorithms", <https://doi.org/10.1137/0201010>) give every knot of services that
//! wait on each other; a breadth-first search inside each knot shows one shortest loop through
//! its first service by name. Enumerating every elementary cycle instead costs exponential time
//! on a dense graph, which a stack of a few dozen services reaches.

/// One knot of services that wait on each other, as indices into the graph.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Knot {
    /// A shortest loop through the knot's first service by name, starting there (the service
    /// that closes the loop is not repeated).
    pub(crate) cycle: Vec<usize>,
    /// Every member of the knot, in graph order.
    pub(crate) members: Vec<usize>,
}

/// Every knot of the graph `0..names.len()`, ordered by the names along its loop.
/// `successors(v)` lists the services `v` waits on; self-loops and duplicates are allowed.
/// Each service's successors are read exactly twice at most (once by the component search,
/// once by the loop search inside its knot), so the cost is linear in services + edges.
pub(crate) fn knots<'g>(names: &[&str], mut successors: impl FnMut(usize) -> &'g [usize]) -> Vec<Knot> {
    let components = strongly_connected(names.len(), &mut successors);
    let mut component_of = vec![usize::MAX; names.len()];
    for (id, members) in components.iter().enumerate() {
        for &member in members {
            component_of[member] = id;
        }
    }
    let mut knots: Vec<Knot> = components
        .into_iter()
        .enumerate()
        .filter(|(_, members)| members.len() > 1)
        .map(|(id, mut members)| {
            members.sort_unstable();
            let start = members.iter().copied().min_by_key(|&m| names[m]).unwrap_or(members[0]);
            let cycle = shortest_loop(start, |v| component_of[v] == id, &mut successors);
            Knot { cycle, members }
        })
        .collect();
    knots.sort_by(|a, b| a.cycle.iter().map(|&v| names[v]).cmp(b.cycle.iter().map(|&v| names[v])));
    knots
}

/// Tarjan's algorithm without recursion, so a chain of ten thousand services cannot overflow
/// the stack.
fn strongly_connected<'g>(count: usize, successors: &mut impl FnMut(usize) -> &'g [usize]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut order = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for root in 0..count {
        if order[root] != UNSEEN {
            continue;
        }
        // Each frame: the service, its successors, and how many of them were looked at.
        let mut frames = vec![(root, successors(root), 0)];
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(frame) = frames.last_mut() {
            let (v, out, seen) = *frame;
            if let Some(&w) = out.get(seen) {
                frame.2 += 1;
                if order[w] == UNSEEN {
                    order[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, successors(w), 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _, _)) = frames.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// A shortest loop from `start` back to itself through services `inside` accepts, by
/// breadth-first search. `start` lies on a loop inside its knot, so one is always found.
fn shortest_loop<'g>(
    start: usize,
    inside: impl Fn(usize) -> bool,
    successors: &mut impl FnMut(usize) -> &'g [usize],
) -> Vec<usize> {
    let mut parent = std::collections::HashMap::from([(start, start)]);
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in successors(v) {
            if w == start && v != start {
                let mut cycle = vec![v];
                let mut at = v;
                while at != start {
                    at = parent[&at];
                    cycle.push(at);
                }
                cycle.reverse();
                return cycle;
            }
            if inside(w) && !parent.contains_key(&w) {
                parent.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    vec![start]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("s{i:04}")).collect()
    }

    #[test]
    fn one_loop_through_the_first_name() {
        let graph = [vec![1], vec![2], vec![0], vec![0]];
        let names = ["c", "a", "b", "d"];
        let found = knots(&names, |v| &graph[v]);
        assert_eq!(found, [Knot { cycle: vec![1, 2, 0], members: vec![0, 1, 2] }]);
    }

    #[test]
    fn a_knot_is_reported_once_with_a_shortest_loop() {
        // a → b → c → a and a → c: the shortest loop through a is a → c → a.
        let graph = [vec![1, 2], vec![2], vec![0]];
        let found = knots(&["a", "b", "c"], |v| &graph[v]);
        assert_eq!(found, [Knot { cycle: vec![0, 2], members: vec![0, 1, 2] }]);
    }

    #[test]
    fn separate_knots_and_self_loops() {
        let graph = [vec![0, 1], vec![0], vec![3], vec![2], vec![4]];
        let found = knots(&["a", "b", "c", "d", "e"], |v| &graph[v]);
        let cycles: Vec<_> = found.iter().map(|k| k.cycle.clone()).collect();
        assert_eq!(cycles, [vec![0, 1], vec![2, 3]]);
    }

    /// The cost is linear: every service's successors are read at most twice, on a graph
    /// where each of 200 services waits on every earlier one and the first waits on the last
    /// (one knot of 200, 19,901 edges). Enumerating simple cycles reads them exponentially often.
    #[test]
    fn successors_are_read_at_most_twice_per_service() {
        let count = 200;
        let mut graph: Vec<Vec<usize>> = (0..count).map(|i| (0..i).collect()).collect();
        graph[0].push(count - 1);
        let names = names(count);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut reads = vec![0; count];
        let found = knots(&names, |v| {
            reads[v] += 1;
            &graph[v]
        });
        assert!(reads.iter().all(|&r| r <= 2), "reads per service: {reads:?}");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].members.len(), count);
        assert_eq!(found[0].cycle, [0, count - 1]);
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let count = 100_000;
        let graph: Vec<Vec<usize>> = (0..count).map(|i| vec![(i + 1) % count]).collect();
        let names = names(count);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let found = knots(&names, |v| &graph[v]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].cycle.len(), count);
    }
}
