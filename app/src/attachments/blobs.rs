//! Where files live: one interface over a local directory (the default, next to the SQLite
//! file) and S3-compatible object storage (for several servers), both through `object_store`.

use object_store::{ObjectStore, PutPayload, path::Path};
use std::sync::Arc;

/// Where the files of a database at `url` live by default: next to a SQLite file
/// (`lapor.db` → `lapor-lampiran/`); otherwise (an in-memory database, PostgreSQL) a fresh
/// temporary directory, for tests: a server on PostgreSQL is given its directory or its
/// S3-compatible bucket by its configuration.
pub fn default_dir(url: &str) -> std::path::PathBuf {
    let file = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty() && !path.contains(":memory:"));
    match file {
        Some(path) => {
            let path = std::path::Path::new(path);
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("lapor");
            path.with_file_name(format!("{stem}-lampiran"))
        }
        None => std::env::temp_dir().join(format!(
            "lapor-lampiran-{}-{}",
            std::process::id(),
            crate::secrets::new_submission_key()
        )),
    }
}

/// The file store of this deployment.
#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    /// How it was configured, for the logs (never a secret).
    pub description: String,
}

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

/// Where a deployment keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobConfig {
    /// A local directory (created when missing).
    Dir(std::path::PathBuf),
    /// An S3-compatible bucket; credentials come from the environment
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`), as `object_store` reads them.
    S3 {
        bucket: String,
        /// Empty: AWS itself; otherwise the server's URL (MinIO, Ceph, moto…).
        endpoint: String,
        region: String,
        /// Access key and secret, when not from the environment.
        keys: Option<(String, String)>,
    },
}

impl Blobs {
    pub fn open(config: &BlobConfig) -> anyhow::Result<Blobs> {
        match config {
            BlobConfig::Dir(dir) => {
                std::fs::create_dir_all(dir)?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
                Ok(Blobs {
                    store: Arc::new(store),
                    description: format!("directory {}", dir.display()),
                })
            }
            BlobConfig::S3 {
                bucket,
                endpoint,
                region,
                keys,
            } => {
                let mut builder = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_region(region);
                if let Some((id, secret)) = keys {
                    builder = builder
                        .with_access_key_id(id)
                        .with_secret_access_key(secret);
                }
                if !endpoint.is_empty() {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                Ok(Blobs {
                    store: Arc::new(builder.build()?),
                    description: format!("S3 bucket {bucket} at {endpoint}"),
                })
            }
        }
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> object_store::Result<()> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .map(|_| ())
    }

    pub async fn get(&self, key: &str) -> object_store::Result<Vec<u8>> {
        let got = self.store.get(&Path::from(key)).await?;
        Ok(got.bytes().await?.to_vec())
    }

    /// Removes a file; one that is gone already counts as removed.
    pub async fn delete(&self, key: &str) -> object_store::Result<()> {
        match self.store.delete(&Path::from(key)).await {
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            other => other,
        }
    }
}
