//! `cargo bench -p stackwright-stacks [-- FILTER]`: validation and rendering, in process, per
//! target, of the five team stacks and of the synthetic stack at 10 to 10,000 services, and
//! validation of a start order where each of N services waits on every earlier one.
//!
//! A plain harness, so benchmarking adds no crate to the build: each case runs once to warm up,
//! then [`RUNS`] times, and prints the median, fastest and slowest run. Whole-process timings
//! next to cdk8s are `stacks/benches/whole-process.sh` (see BENCHMARKS.md).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use emit::Options;
use stack_dsl::{Env, Image, Project, Ready, Service, Stack, ValidProject};

/// Timed runs per case, after one warm-up run.
const RUNS: usize = 10;

/// Every target, as the renderer runs them.
type Target = fn(&ValidProject, &Options) -> Result<emit::Bundle, emit::Error>;

const TARGETS: [(&str, Target); 6] = [
    ("all", emit::render),
    ("compose", emit::compose::render),
    ("kubernetes", emit::kubernetes::render),
    ("render", emit::render_blueprint::render),
    ("railway", emit::railway::render),
    ("actions", emit::actions::render),
];

const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

fn main() {
    // Cargo passes `--bench`; any other argument filters the cases by name.
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let selected = |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
    let options = Options::for_output_dir(Path::new("deploy")).expect("a relative directory");

    for services in SIZES {
        let project = stacks::synthetic::project(services);
        let name = format!("synthetic validate {services}");
        if selected(&name) {
            measure(&name, || drop(black_box(valid(&project))));
        }
        let project = valid(&project);
        for (target, render) in TARGETS {
            let name = format!("synthetic render {target} {services}");
            if selected(&name) {
                measure(&name, || drop(black_box(render(&project, &options).expect("renders"))));
            }
        }
    }
    for project in stacks::all() {
        let name = format!("team {} validate and render all", project.name());
        if selected(&name) {
            measure(&name, || drop(black_box(emit::render(&valid(&project), &options).expect("renders"))));
        }
    }
    for services in [50, 200, 800] {
        let name = format!("dense start order validate {services}");
        if selected(&name) {
            let stack = dense(services);
            measure(&name, || drop(black_box(stack.clone().validate(Env::Production).expect("valid"))));
        }
    }
}

/// Runs `case` once, then [`RUNS`] times, and prints the median, fastest and slowest run.
fn measure(name: &str, mut case: impl FnMut()) {
    case();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            case();
            start.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{name:<44} median {:>10.3} ms   fastest {:>10.3} ms   slowest {:>10.3} ms",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
}

fn valid(project: &Project) -> ValidProject {
    project.validate().expect("a valid project")
}

/// Each of `services` services waits on every earlier one: N(N-1)/2 dependencies.
fn dense(services: usize) -> Stack {
    let mut stack = Stack::new("dense");
    let refs: Vec<_> = (0..services).map(|i| stack.reference(format!("s{i:04}"))).collect();
    for (i, reference) in refs.iter().enumerate() {
        let service = refs[..i].iter().fold(Service::new(reference.name(), Image::new("x:1")), |s, earlier| {
            s.depends_on(earlier, Ready::Started)
        });
        stack.add_service(service);
    }
    stack
}
