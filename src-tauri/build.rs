fn main() {
    // tauri.conf.json sits at the workspace root (the package root), but the capability files live with the
    // shell's sources.
    tauri_build::try_build(tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"))
        .expect("tauri-build failed");
}
