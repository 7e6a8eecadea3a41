//! Compose interpolates `$` in every string of a file
//! (<https://docs.docker.com/reference/compose-file/interpolation/>): every path and value the
//! stack gives literally is written with `$$`, so Compose reads back exactly the stack's text.

use serde::Deserialize;
use stack_dsl::*;

#[derive(Deserialize)]
struct File {
    services: indexmap::IndexMap<String, ComposeService>,
}

#[derive(Deserialize)]
struct ComposeService {
    build: Option<Build>,
    volumes: Vec<ComposeVolume>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ComposeVolume {
    Short(String),
    Long { source: Option<String>, target: String },
}

#[derive(Deserialize)]
struct Build {
    context: String,
    dockerfile: Option<String>,
}

/// What Compose makes of a string: `$$` is a literal `$`; a lone `$` starts a variable.
fn compose_reads(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('$', Some('$')) => {
                chars.next();
                out.push('$');
            }
            ('$', _) => return Err(format!("{text:?} would be interpolated")),
            _ => out.push(c),
        }
    }
    Ok(out)
}

#[test]
fn dollar_signs_in_paths_reach_compose_as_written() {
    let project = Project::new("shop", [Env::Dev], |_| {
        let mut stack = Stack::new("shop");
        let data = stack.add_volume(Volume::persistent("data"));
        stack.add_service(
            Service::new("api", Image::build("backend$HOME").dockerfile("docker/$VARIANT.Dockerfile"))
                .mount(Mount::bind("./uploads$USER", "/srv/up$loads"))
                .mount(Mount::volume(&data, "/var/$data"))
                .mount(Mount::tmpfs("/tmp/$scratch")),
        );
        stack
    });
    let bundle = emit::render(&project.validate().unwrap(), &emit::Options::with_root("")).unwrap();
    let file: File = serde_saphyr::from_str(&bundle.file("compose/compose.dev.yaml").unwrap().contents).unwrap();
    let api = &file.services["api"];
    let build = api.build.as_ref().unwrap();
    assert_eq!(compose_reads(&build.context), Ok("../backend$HOME".to_string()));
    assert_eq!(compose_reads(build.dockerfile.as_deref().unwrap()), Ok("docker/$VARIANT.Dockerfile".to_string()));
    let volumes: Vec<String> = api
        .volumes
        .iter()
        .map(|v| match v {
            ComposeVolume::Short(text) | ComposeVolume::Long { source: None, target: text } => {
                compose_reads(text).unwrap()
            }
            ComposeVolume::Long { source: Some(source), target } => {
                format!("{}:{}", compose_reads(source).unwrap(), compose_reads(target).unwrap())
            }
        })
        .collect();
    assert_eq!(volumes, ["../uploads$USER:/srv/up$loads", "data:/var/$data", "/tmp/$scratch"]);
}
