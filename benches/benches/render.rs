//! `cargo bench -p stackwright-bench`: validation and rendering, in process, per target, of the
//! five team stacks and of the synthetic stack at 10 to 10,000 services, and validation of a
//! start order where each of N services waits on every earlier one.

use std::path::Path;

use divan::Bencher;
use emit::Options;
use stack_dsl::{Env, Image, Project, Ready, Service, Stack, ValidProject};

fn main() {
    divan::main();
}

fn options() -> Options {
    Options::for_output_dir(Path::new("deploy")).expect("a relative directory")
}

fn valid(project: &Project) -> ValidProject {
    project.validate().expect("a valid project")
}

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

#[divan::bench(args = [10, 100, 1_000, 10_000], sample_count = 10, sample_size = 1)]
fn synthetic_validate(bencher: Bencher, services: usize) {
    let project = bench::project(services);
    bencher.bench(|| valid(&project));
}

#[divan::bench(consts = [0, 1, 2, 3, 4, 5], args = [10, 100, 1_000, 10_000], sample_count = 10, sample_size = 1)]
fn synthetic_render<const TARGET: usize>(bencher: Bencher, services: usize) {
    let (_, render) = TARGETS[TARGET];
    let (project, options) = (valid(&bench::project(services)), options());
    bencher.bench(|| render(&project, &options).expect("renders"));
}

#[divan::bench(args = ["anb", "feature-models", "metabuilder", "neosale", "wisebet"])]
fn team_stack_validate_and_render_all(bencher: Bencher, name: &str) {
    let project = team(name);
    let options = options();
    bencher.bench(|| emit::render(&valid(&project), &options).expect("renders"));
}

/// Each of N services waits on every earlier one: N(N-1)/2 dependencies.
#[divan::bench(args = [50, 200, 800])]
fn dense_start_order_validate(bencher: Bencher, services: usize) {
    let mut stack = Stack::new("dense");
    let refs: Vec<_> = (0..services).map(|i| stack.reference(&format!("s{i:04}"))).collect();
    for (i, reference) in refs.iter().enumerate() {
        let service = refs[..i].iter().fold(Service::new(reference.name(), Image::new("x:1")), |s, earlier| {
            s.depends_on(earlier, Ready::Started)
        });
        stack.add_service(service);
    }
    bencher.bench(|| stack.clone().validate(Env::Production).expect("valid"));
}

fn team(name: &str) -> Project {
    match name {
        "anb" => stacks::anb::project(),
        "feature-models" => stacks::feature_models::project(),
        "metabuilder" => stacks::metabuilder::project(),
        "neosale" => stacks::neosale::project(),
        _ => stacks::wisebet::project(),
    }
}
