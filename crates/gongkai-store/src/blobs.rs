//! Content-addressed file storage for attachments on the local filesystem: a file's name is its
//! SHA-256, so the same bytes are stored once and a stored file can be checked against its name.

use std::path::{Path, PathBuf};

use crate::Result;

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore { root: root.into() }
    }

    fn path_of(&self, sha256: &str) -> PathBuf {
        let (dir, _) = sha256.split_at(2.min(sha256.len()));
        self.root.join(dir).join(sha256)
    }

    /// Stores `bytes` under `sha256` (computed by the caller). Writes to a temporary file first and
    /// renames it, so a crash never leaves a truncated blob under a valid name; the folder is
    /// synced after the rename, so that the name is on disk before the row naming it is
    /// committed (a file system may keep a rename in memory after the file's own sync).
    pub async fn put(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path_of(sha256);
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        if tokio::fs::try_exists(&path).await? {
            // Renamed by another write, whose folder sync may still be to come (or failed).
            return sync_folder(&dir).await;
        }
        if !tokio::fs::try_exists(&dir).await? {
            tokio::fs::create_dir_all(&dir).await?;
            // The new folder's own name, in the root.
            sync_folder(&self.root).await?;
        }
        let tmp = tmp_name(&path);
        let mut file = tokio::fs::File::create(&tmp).await?;
        tokio::io::AsyncWriteExt::write_all(&mut file, bytes).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&tmp, &path).await?;
        sync_folder(&dir).await
    }

    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        Ok(tokio::fs::read(self.path_of(sha256)).await?)
    }
}

/// Syncs a folder's entries (on Unix a folder opens read-only and syncs like a file).
#[cfg(unix)]
async fn sync_folder(dir: &Path) -> Result<()> {
    tokio::fs::File::open(dir).await?.sync_all().await?;
    Ok(())
}

/// Elsewhere a folder cannot be opened as a file; its entries are the file system's to keep.
#[cfg(not(unix))]
async fn sync_folder(_dir: &Path) -> Result<()> {
    Ok(())
}

/// A temporary name unique to this write, so two uploads of the same bytes never share it.
fn tmp_name(path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".tmp{}-{n}", std::process::id()));
    PathBuf::from(name)
}
