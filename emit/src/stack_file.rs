//! Stack files: a project written as data instead of Rust, in JSON or YAML, in the format that
//! `stack-dsl/stack.schema.json` describes ([`stack_dsl::ProjectData`]). A command that renders
//! such a file reads it here and hands the project to the same rendering as the Rust form.
//!
//! YAML is read with `serde-saphyr`, the crate the YAML emitters already use; any other serde
//! format plugs in the same way, through [`stack_dsl::Project::load`].

use std::path::Path;

use serde_saphyr::RenderOptions;
use stack_dsl::{Project, ProjectData};

use crate::error::Error;

/// The project the stack file at `path` describes: JSON for `.json`, YAML for `.yaml`/`.yml`.
/// A file that does not parse is an [`Error::Invalid`] naming the file and the place; validate
/// the project ([`Project::validate`]) to find every problem of the model. When the file does
/// not say how it is regenerated, it is `stackwright render <path>`.
pub fn read(path: &Path) -> Result<Project, Error> {
    let yaml = match path.extension().and_then(|extension| extension.to_str()) {
        Some("json") => false,
        Some("yaml" | "yml") => true,
        _ => return Err(Error::StackFileFormat { path: path.into() }),
    };
    let text =
        std::fs::read_to_string(path).map_err(|source| Error::Io { action: "read", path: path.into(), source })?;
    let origin = path.display().to_string();
    let parsed = if yaml {
        // The excerpt of the file under the message is headed by the file's name.
        let mut named = RenderOptions::default();
        named.source_name = Some(&origin);
        serde_saphyr::from_str::<ProjectData>(&text).map_err(|e| e.render_with_options(named))
    } else {
        serde_json::from_str::<ProjectData>(&text).map_err(|e| e.to_string())
    };
    let parsed = parsed.map(|mut data| {
        data.regenerate.get_or_insert_with(|| format!("stackwright render {origin}"));
        data
    });
    Ok(Project::load(&origin, parsed)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, contents: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("stackwright-stack-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("written");
        path
    }

    const SHOP_YAML: &str = "name: shop\nenvironments:\n  dev:\n    name: shop\n    services:\n      - name: web\n        image:\n          registry: nginx:1.27-alpine\n";

    #[test]
    fn json_and_yaml_files_describe_the_same_project() {
        let yaml = read(&file("shop.yaml", SHOP_YAML)).expect("YAML loads");
        let json = serde_json::to_string(&yaml.to_data()).expect("serialises");
        let from_json = read(&file("shop.json", &json)).expect("JSON loads");
        assert_eq!(from_json.to_data(), yaml.to_data());
        let path = file("shop.yml", SHOP_YAML);
        assert_eq!(read(&path).expect("loads").regenerate_command(), format!("stackwright render {}", path.display()));
    }

    #[test]
    fn a_yaml_typo_names_the_file_and_the_field() {
        let path = file("typo.yaml", &SHOP_YAML.replace("services", "servicez"));
        let error = read(&path).err().expect("a typo is an error");
        let text = error.to_string();
        assert!(text.contains(&format!("stack file {}", path.display())) && text.contains("servicez"), "{text}");
        assert!(text.contains(&format!("--> {}:5:5", path.display())), "the excerpt is headed by the file: {text}");
    }

    #[test]
    fn another_extension_is_refused_with_the_ones_read() {
        let error = read(Path::new("missing.toml")).err().expect("refused before it is read");
        assert!(error.to_string().contains(".json, .yaml or .yml"), "{error}");
    }
}
