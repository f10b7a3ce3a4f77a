//! A local update server for the desktop app's updater: `GET
//! /updates/{file}` serves the files of the configured folder (`--updates
//! DIR`), such as a `latest.json` manifest, a package and its signature,
//! read at each request so that a test can swap a package for a tampered
//! copy while the app runs. Nothing is served without the folder.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::endpoint::App;
use crate::reply;

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/updates/{file}", get(serve))
}

async fn serve(State(app): State<Arc<App>>, Path(file): Path<String>) -> Response {
    let not_found = || reply::json(StatusCode::NOT_FOUND, json!({"message": "Not Found"}));
    let Some(dir) = app.updates_dir() else {
        return not_found();
    };
    // One plain file name: nothing outside the folder.
    if file.is_empty() || file.starts_with('.') || file.contains(['/', '\\']) {
        return not_found();
    }
    match tokio::fs::read(dir.join(&file)).await {
        Ok(bytes) => {
            let kind = if file.ends_with(".json") {
                "application/json"
            } else {
                "application/octet-stream"
            };
            ([(header::CONTENT_TYPE, kind)], bytes).into_response()
        }
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Sandbox};

    async fn get(sandbox: &Sandbox, path: &str) -> (u16, Vec<u8>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
            .await
            .unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        let text = String::from_utf8_lossy(&answer);
        let status = text[9..12].parse().unwrap();
        let body = text.split_once("\r\n\r\n").unwrap().1.as_bytes().to_vec();
        (status, body)
    }

    #[tokio::test]
    async fn the_folders_files_are_served_as_they_are_now_and_nothing_outside_it() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("updates");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(dir.path().join("secret"), "outside").unwrap();
        std::fs::write(folder.join("latest.json"), "{\"version\": \"1\"}").unwrap();
        let sandbox = Sandbox::start(Config {
            updates_dir: Some(folder.clone()),
            ..Config::default()
        })
        .await
        .unwrap();
        assert_eq!(
            get(&sandbox, "/updates/latest.json").await,
            (200, b"{\"version\": \"1\"}".to_vec())
        );
        std::fs::write(folder.join("latest.json"), "{\"version\": \"2\"}").unwrap();
        assert_eq!(
            get(&sandbox, "/updates/latest.json").await.1,
            b"{\"version\": \"2\"}"
        );
        for path in [
            "/updates/..%2Fsecret",
            "/updates/%2E%2E%2Fsecret",
            "/updates/missing",
        ] {
            assert_eq!(get(&sandbox, path).await.0, 404, "{path}");
        }
    }

    #[tokio::test]
    async fn without_a_folder_nothing_is_served() {
        let sandbox = Sandbox::start(Config::default()).await.unwrap();
        assert_eq!(get(&sandbox, "/updates/latest.json").await.0, 404);
    }
}
