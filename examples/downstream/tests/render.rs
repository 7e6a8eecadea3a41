//! The stack renders through the library with or without the Kubernetes emitter, and the
//! feature decides which targets a user gets.

#[test]
fn renders_the_targets_the_features_select() {
    let valid = notes_deploy::project().validate().unwrap_or_else(|e| panic!("{e}"));
    let bundle = emit::render(&valid, &emit::Options::with_root("")).unwrap_or_else(|e| panic!("{e}"));
    let has = |prefix: &str| bundle.files().iter().any(|f| f.path.starts_with(prefix));
    assert!(has("compose/compose.dev.yaml") && has("compose/compose.production.yaml"));
    assert!(has(emit::layout::RENDER_BLUEPRINT) && has(emit::layout::RAILWAY_PROGRAM));
    assert_eq!(has("kubernetes/"), cfg!(feature = "kubernetes"), "Kubernetes files only with the feature");
    assert_eq!(emit::TARGETS.contains(&"kubernetes"), cfg!(feature = "kubernetes"));
}
