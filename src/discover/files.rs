//! Reading a file the tool was pointed at, safely: only a regular file is read (a FIFO
//! would block the read until a writer comes, a device such as `/dev/zero` never ends, a
//! directory is no file), and never more than a cap, checked before reading and while
//! reading (the size can change in between).

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// The largest source file analyzed (documented in the README's limits).
pub const SOURCE_LIMIT: u64 = 64 << 20;
/// The largest `Cargo.toml`, configuration or ignore file read.
pub const CONFIG_LIMIT: u64 = 4 << 20;
/// The largest baseline read.
pub const BASELINE_LIMIT: u64 = 64 << 20;

/// The bytes of `path`, if it is a regular file (symbolic links followed) of at most
/// `limit` bytes; otherwise an error that says why, shown after "could not read `path`: ".
pub fn read_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    read_noting_link(path, limit).map(|(bytes, _)| bytes)
}

/// [`read_limited`], and whether `path` is a symbolic link. The path is looked up once
/// before it is opened (a device is never opened): a file that is not a link needs no
/// second look (a crate of 100,000 small files spends most of its time in system calls).
pub fn read_noting_link(path: &Path, limit: u64) -> io::Result<(Vec<u8>, bool)> {
    let seen = std::fs::symlink_metadata(path)?;
    let link = seen.file_type().is_symlink();
    if link {
        check(&std::fs::metadata(path)?, limit)?;
    } else {
        check(&seen, limit)?;
    }
    let mut file = open_without_blocking(path)?;
    let metadata = file.metadata()?;
    check(&metadata, limit)?;
    let size = usize::try_from(metadata.len()).unwrap_or(0);
    let bytes = if size == 0 {
        // A size of 0 may not be the truth (a `/proc` file): read to the end, up to the cap.
        let mut bytes = Vec::new();
        file.take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(too_large(limit));
        }
        bytes
    } else {
        // The size is known and within the cap: read that much and no more. What the file
        // grows by after it was measured is not read (a read at its end would cost one more
        // system call per file).
        let mut bytes = vec![0; size];
        let mut filled = 0;
        while filled < size {
            match file.read(&mut bytes[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        bytes.truncate(filled);
        bytes
    };
    Ok((bytes, link))
}

/// [`read_limited`], as UTF-8 text.
pub fn read_text_limited(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_limited(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Why `path` must not be read, if it exists and is not a regular file within `limit`;
/// `None` when it is fine to read or does not exist.
pub fn unsafe_to_read(path: &Path, limit: u64) -> Option<io::Error> {
    let metadata = std::fs::metadata(path).ok()?;
    check(&metadata, limit).err()
}

/// Writes `bytes` to `path` whole or not at all: to a temporary file beside it, flushed to
/// the disk, then renamed over `path`. A kill or a full disk leaves the old file; a reader
/// never sees a partial one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("not a file name"))?;
    let mut temporary = name.to_os_string();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(temporary);
    let written = File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temporary, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    renamed
}

/// Why a file with this `metadata` must not be read: not a regular file, or over `limit`.
pub(crate) fn check(metadata: &Metadata, limit: u64) -> io::Result<()> {
    if !metadata.is_file() {
        return Err(io::Error::other(format!(
            "not a regular file ({})",
            kind(metadata)
        )));
    }
    if metadata.len() > limit {
        return Err(too_large(limit));
    }
    Ok(())
}

fn too_large(limit: u64) -> io::Error {
    io::Error::other(format!(
        "larger than the {} MiB this tool reads",
        limit >> 20
    ))
}

fn kind(metadata: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

/// Opens `path` for reading without waiting for a writer, should it have become a FIFO
/// since it was checked (`O_NONBLOCK` does nothing to a regular file's reads).
fn open_without_blocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const O_NONBLOCK: i32 = 0x0004;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "abc").unwrap();
        assert_eq!(read_limited(&file, 3).unwrap(), b"abc");
        let err = read_limited(&file, 2).unwrap_err().to_string();
        assert!(err.starts_with("larger than"), "{err}");
        let err = read_limited(dir.path(), 10).unwrap_err().to_string();
        assert_eq!(err, "not a regular file (a directory)");
        let err = read_limited(Path::new("/dev/zero"), 10)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "not a regular file (a device)");
        assert!(unsafe_to_read(&dir.path().join("missing"), 1).is_none());
        assert!(unsafe_to_read(&file, 1).is_some());
    }

    /// A link is noted (and followed); a file whose size reads as 0 is still read to its
    /// end (as `/proc` files are), and a file is read whole, without the read at its end.
    #[test]
    fn reads_note_links_and_trust_no_size_of_zero() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.rs");
        std::fs::write(&file, "fn f() {}\n".repeat(1000)).unwrap();
        let link = dir.path().join("b.rs");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let (bytes, is_link) = read_noting_link(&file, 1 << 20).unwrap();
        assert_eq!((bytes.len(), is_link), (10_000, false));
        let (bytes, is_link) = read_noting_link(&link, 1 << 20).unwrap();
        assert_eq!((bytes.len(), is_link), (10_000, true));
        let err = read_noting_link(&link, 9_999).unwrap_err().to_string();
        assert!(err.starts_with("larger than"), "{err}");
        let status = Path::new("/proc/self/status");
        if status.exists() {
            let (bytes, _) = read_noting_link(status, 1 << 20).unwrap();
            assert!(bytes.starts_with(b"Name:"), "{bytes:?}");
        }
    }

    #[test]
    fn atomic_writes_replace_the_file_and_leave_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("baseline.json");
        std::fs::write(&file, "old").unwrap();
        write_atomically(&file, b"new").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let missing = dir.path().join("no/such/folder/file");
        assert!(write_atomically(&missing, b"x").is_err());
    }
}
