//! The ecosystem's blocking APIs: one section per crate, each row active only in a crate
//! that depends on the section's package (or, where no manifest is known, whenever the
//! source names the crate). Also the mirrors of std modules (`fs_err` is `std::fs` with
//! better errors), what the crates' builders and constructors return, and the pools whose
//! connections are another catalogue type.

use super::blocking::{Blocking, FS, NET, PROCESS, WAIT, blocking, default_kind};

const FS_ERR: &[&str] = &["fs-err"];
const TEMPFILE: &[&str] = &["tempfile"];
const WALKDIR: &[&str] = &["walkdir"];
const REQWEST: &[&str] = &["reqwest"];
const UREQ: &[&str] = &["ureq"];
const URL: &[&str] = &["url"];
const POSTGRES: &[&str] = &["postgres"];
const R2D2: &[&str] = &["r2d2", "diesel"];
const DIESEL: &[&str] = &["diesel"];
const RUSQLITE: &[&str] = &["rusqlite"];
const REDIS: &[&str] = &["redis"];
const CROSSBEAM: &[&str] = &["crossbeam-channel", "crossbeam"];
const FLUME: &[&str] = &["flume"];
const ASYNC_CHANNEL: &[&str] = &["async-channel"];
const ASYNC_LOCK: &[&str] = &["async-lock"];
const XSHELL: &[&str] = &["xshell"];
const DUCT: &[&str] = &["duct"];
const FS_EXTRA: &[&str] = &["fs_extra"];
const GLOB: &[&str] = &["glob"];
const DUNCE: &[&str] = &["dunce"];
const ATTOHTTPC: &[&str] = &["attohttpc"];
const MINREQ: &[&str] = &["minreq"];
const ISAHC: &[&str] = &["isahc"];
const MYSQL: &[&str] = &["mysql"];
const ONESHOT: &[&str] = &["oneshot"];
const SUBPROCESS: &[&str] = &["subprocess"];
const SQLITE_CRATE: &[&str] = &["sqlite"];
const SLED: &[&str] = &["sled"];
const MONGODB: &[&str] = &["mongodb"];
const MONGO: &str = "the async `mongodb::Client` (awaited)";

const HTTP: &str = "an async HTTP client such as `reqwest::Client`";
const PG: &str = "`tokio_postgres` (or the pool's async counterpart, `deadpool_postgres`/`bb8`)";
const SQLITE: &str = "`tokio_rusqlite` (or an async pool such as `deadpool_sqlite`)";
const REDIS_ASYNC: &str =
    "an async connection (`redis::Client::get_multiplexed_async_connection(..).await`)";
const DIESEL_ASYNC: &str = "`diesel_async` (the same query, awaited)";
const PROCESS_ASYNC: &str = "`tokio::process::Command` (awaited)";

macro_rules! redis_commands {
    ($($method:ident)*) => {
        blocking!(packages REDIS; $(
            concat!("redis::Connection.", stringify!($method)) => NET, REDIS_ASYNC;
            concat!("redis::Commands::", stringify!($method)) => NET, REDIS_ASYNC;
        )*)
    };
}

macro_rules! diesel_queries {
    ($connection:literal, $rule:ident; $($method:ident)*) => {
        blocking!(packages DIESEL; $(
            concat!($connection, ".", stringify!($method)) => $rule, DIESEL_ASYNC;
        )*)
    };
}

/// The ecosystem's catalogue, by crate.
pub(crate) static ECOSYSTEM: &[&[Blocking]] = &[
    blocking! { packages FS_ERR;
        "std::path::Path.fs_err_metadata" => FS, "`fs_err::tokio::metadata(..).await`";
        "std::path::Path.fs_err_symlink_metadata" => FS, "`fs_err::tokio::symlink_metadata(..).await`";
        "std::path::Path.fs_err_canonicalize" => FS, "`fs_err::tokio::canonicalize(..).await`";
        "std::path::Path.fs_err_read_link" => FS, "`fs_err::tokio::read_link(..).await`";
        "std::path::Path.fs_err_read_dir" => FS, "`fs_err::tokio::read_dir(..).await`";
        "std::path::Path.fs_err_try_exists" => FS, "`fs_err::tokio::try_exists(..).await`";
    },
    blocking! { packages TEMPFILE;
        "tempfile::tempfile" => FS, "";
        "tempfile::tempfile_in" => FS, "";
        "tempfile::tempdir" => FS, "";
        "tempfile::tempdir_in" => FS, "";
        "tempfile::TempDir::new" => FS, "";
        "tempfile::TempDir::new_in" => FS, "";
        "tempfile::TempDir.close" => FS, "";
        "tempfile::NamedTempFile::new" => FS, "";
        "tempfile::NamedTempFile::new_in" => FS, "";
        "tempfile::NamedTempFile.persist" => FS, "";
        "tempfile::NamedTempFile.persist_noclobber" => FS, "";
        "tempfile::NamedTempFile.reopen" => FS, "";
        "tempfile::NamedTempFile.close" => FS, "";
        "tempfile::NamedTempFile.read" => FS, "a `tokio::fs::File` with `AsyncReadExt`";
        "tempfile::NamedTempFile.read_to_end" => FS, "a `tokio::fs::File` with `AsyncReadExt`";
        "tempfile::NamedTempFile.read_to_string" => FS, "a `tokio::fs::File` with `AsyncReadExt`";
        "tempfile::NamedTempFile.write" => FS, "a `tokio::fs::File` with `AsyncWriteExt`";
        "tempfile::NamedTempFile.write_all" => FS, "a `tokio::fs::File` with `AsyncWriteExt`";
        "tempfile::NamedTempFile.write_fmt" => FS, "a `tokio::fs::File` with `AsyncWriteExt`";
        "tempfile::NamedTempFile.flush" => FS, "a `tokio::fs::File` with `AsyncWriteExt`";
        "tempfile::Builder.tempfile" => FS, "";
        "tempfile::Builder.tempfile_in" => FS, "";
        "tempfile::Builder.tempdir" => FS, "";
        "tempfile::Builder.tempdir_in" => FS, "";
    },
    blocking! { packages WALKDIR;
        "walkdir::IntoIter.next" => FS, "";
        "walkdir::IntoIter.collect" => FS, "";
        "walkdir::IntoIter.count" => FS, "";
        "walkdir::IntoIter.for_each" => FS, "";
        "walkdir::IntoIter.try_for_each" => FS, "";
        "walkdir::IntoIter.fold" => FS, "";
        "walkdir::IntoIter.last" => FS, "";
        "walkdir::IntoIter.nth" => FS, "";
        "walkdir::IntoIter.find" => FS, "";
        "walkdir::IntoIter.find_map" => FS, "";
        "walkdir::IntoIter.any" => FS, "";
        "walkdir::IntoIter.all" => FS, "";
        "walkdir::IntoIter.position" => FS, "";
        "walkdir::IntoIter.sum" => FS, "";
        "walkdir::IntoIter.partition" => FS, "";
        "walkdir::IntoIter.max_by_key" => FS, "";
        "walkdir::IntoIter.min_by_key" => FS, "";
    },
    blocking! { packages REQWEST;
        "reqwest::blocking::get" => NET, "`reqwest::get(..).await`";
        "reqwest::blocking::Client::new" => NET, "`reqwest::Client::new()`";
        "reqwest::blocking::ClientBuilder.build" => NET, "`reqwest::Client::builder()`";
        "reqwest::blocking::Client.execute" => NET, "`reqwest::Client::execute(..).await`";
        "reqwest::blocking::RequestBuilder.send" => NET, "`reqwest::RequestBuilder::send().await`";
        "reqwest::blocking::Response.text" => NET, "`reqwest::Response::text().await`";
        "reqwest::blocking::Response.json" => NET, "`reqwest::Response::json().await`";
        "reqwest::blocking::Response.bytes" => NET, "`reqwest::Response::bytes().await`";
        "reqwest::blocking::Response.copy_to" => NET, "`reqwest::Response::chunk().await` in a loop";
    },
    blocking! { packages UREQ;
        "ureq::Request.call" => NET, HTTP;
        "ureq::Request.send" => NET, HTTP;
        "ureq::Request.send_string" => NET, HTTP;
        "ureq::Request.send_json" => NET, HTTP;
        "ureq::Request.send_bytes" => NET, HTTP;
        "ureq::Request.send_form" => NET, HTTP;
        "ureq::Request.send_empty" => NET, HTTP;
        "ureq::Response.into_string" => NET, HTTP;
        "ureq::Response.into_json" => NET, HTTP;
    },
    blocking! { packages URL;
        "url::Url.socket_addrs" => NET, "`tokio::net::lookup_host(..).await`";
    },
    blocking! { packages POSTGRES;
        "postgres::Client::connect" => NET, PG;
        "postgres::Config.connect" => NET, PG;
        "postgres::Client.query" => NET, PG;
        "postgres::Client.query_one" => NET, PG;
        "postgres::Client.query_opt" => NET, PG;
        "postgres::Client.query_raw" => NET, PG;
        "postgres::Client.execute" => NET, PG;
        "postgres::Client.batch_execute" => NET, PG;
        "postgres::Client.simple_query" => NET, PG;
        "postgres::Client.prepare" => NET, PG;
        "postgres::Client.transaction" => NET, PG;
        "postgres::Client.copy_in" => NET, PG;
        "postgres::Client.copy_out" => NET, PG;
        "postgres::Client.close" => NET, PG;
        "postgres::Transaction.query" => NET, PG;
        "postgres::Transaction.query_one" => NET, PG;
        "postgres::Transaction.query_opt" => NET, PG;
        "postgres::Transaction.execute" => NET, PG;
        "postgres::Transaction.batch_execute" => NET, PG;
        "postgres::Transaction.commit" => NET, PG;
        "postgres::Transaction.rollback" => NET, PG;
    },
    blocking! { packages R2D2;
        "r2d2::Pool.get" => NET, "an async pool (`deadpool`, `bb8`) and `get().await`";
        "r2d2::Builder.build" => NET, "an async pool (`deadpool`, `bb8`)";
    },
    diesel_queries!("diesel::sqlite::SqliteConnection", FS;
        load get_result get_results first execute load_iter),
    diesel_queries!("diesel::pg::PgConnection", NET;
        load get_result get_results first execute load_iter),
    diesel_queries!("diesel::mysql::MysqlConnection", NET;
        load get_result get_results first execute load_iter),
    blocking! { packages DIESEL;
        "diesel::sqlite::SqliteConnection::establish" => FS, DIESEL_ASYNC;
        "diesel::pg::PgConnection::establish" => NET, DIESEL_ASYNC;
        "diesel::mysql::MysqlConnection::establish" => NET, DIESEL_ASYNC;
    },
    blocking! { packages RUSQLITE;
        "rusqlite::Connection::open" => FS, SQLITE;
        "rusqlite::Connection::open_with_flags" => FS, SQLITE;
        "rusqlite::Connection.execute" => FS, SQLITE;
        "rusqlite::Connection.execute_batch" => FS, SQLITE;
        "rusqlite::Connection.query_row" => FS, SQLITE;
        "rusqlite::Connection.query_row_and_then" => FS, SQLITE;
        "rusqlite::Connection.transaction" => FS, SQLITE;
        "rusqlite::Connection.pragma_update" => FS, SQLITE;
        "rusqlite::Connection.backup" => FS, SQLITE;
        "rusqlite::Statement.execute" => FS, SQLITE;
        "rusqlite::Statement.query" => FS, SQLITE;
        "rusqlite::Statement.query_map" => FS, SQLITE;
        "rusqlite::Statement.query_row" => FS, SQLITE;
        "rusqlite::Statement.exists" => FS, SQLITE;
        "rusqlite::Statement.insert" => FS, SQLITE;
        "rusqlite::Transaction.commit" => FS, SQLITE;
        "rusqlite::Transaction.execute" => FS, SQLITE;
    },
    blocking! { packages REDIS;
        "redis::Client.get_connection" => NET, REDIS_ASYNC;
        "redis::Client.get_connection_with_timeout" => NET, REDIS_ASYNC;
        "redis::Cmd.query" => NET, "`query_async(..).await` on an async connection";
        "redis::Cmd.execute" => NET, "`exec_async(..).await` on an async connection";
        "redis::Pipeline.query" => NET, "`query_async(..).await` on an async connection";
        "redis::Connection.req_command" => NET, REDIS_ASYNC;
        "redis::Connection.req_packed_command" => NET, REDIS_ASYNC;
        "redis::Connection.recv_response" => NET, REDIS_ASYNC;
    },
    redis_commands!(get set set_ex set_nx mget mset del exists expire incr decr
        hget hset hdel hgetall hexists lpush rpush lpop rpop lrange llen sadd srem
        smembers sismember zadd zrem zrange zscore keys publish ttl getset append),
    blocking! { packages CROSSBEAM;
        "crossbeam_channel::Receiver.recv" => WAIT, "`tokio::sync::mpsc::Receiver::recv().await`";
        "crossbeam_channel::Receiver.recv_timeout" => WAIT, "`tokio::time::timeout(.., rx.recv()).await` on a tokio channel";
        "crossbeam_channel::Receiver.recv_deadline" => WAIT, "`tokio::time::timeout_at(.., rx.recv()).await` on a tokio channel";
        "crossbeam_channel::Receiver.iter" => WAIT, "`tokio::sync::mpsc::Receiver::recv().await` in a loop";
        "crossbeam_channel::BoundedSender.send" => WAIT, "`tokio::sync::mpsc::Sender::send(..).await`";
        "crossbeam_channel::BoundedSender.send_timeout" => WAIT, "`tokio::sync::mpsc::Sender::send_timeout(..).await`";
    },
    blocking! { packages FLUME;
        "flume::Receiver.recv" => WAIT, "`recv_async().await`";
        "flume::Receiver.recv_timeout" => WAIT, "`tokio::time::timeout(.., rx.recv_async()).await`";
        "flume::Receiver.recv_deadline" => WAIT, "`tokio::time::timeout_at(.., rx.recv_async()).await`";
        "flume::Receiver.iter" => WAIT, "`rx.stream()` or `recv_async().await` in a loop";
        "flume::BoundedSender.send" => WAIT, "`send_async(..).await`";
        "flume::BoundedSender.send_timeout" => WAIT, "`send_async(..).await`";
    },
    blocking! { packages ASYNC_CHANNEL;
        "async_channel::Sender.send_blocking" => WAIT, "`send(..).await`";
        "async_channel::Receiver.recv_blocking" => WAIT, "`recv().await`";
    },
    blocking! { packages ASYNC_LOCK;
        "async_lock::Mutex.lock_blocking" => WAIT, "`lock().await`";
        "async_lock::RwLock.read_blocking" => WAIT, "`read().await`";
        "async_lock::RwLock.write_blocking" => WAIT, "`write().await`";
        "async_lock::RwLock.upgradable_read_blocking" => WAIT, "`upgradable_read().await`";
        "async_lock::Semaphore.acquire_blocking" => WAIT, "`acquire().await`";
        "async_lock::Barrier.wait_blocking" => WAIT, "`wait().await`";
        "async_lock::OnceCell.get_or_init_blocking" => WAIT, "`get_or_init(..).await`";
    },
    blocking! { packages XSHELL;
        "xshell::Cmd.run" => PROCESS, PROCESS_ASYNC;
        "xshell::Cmd.read" => PROCESS, PROCESS_ASYNC;
        "xshell::Cmd.read_stderr" => PROCESS, PROCESS_ASYNC;
        "xshell::Cmd.output" => PROCESS, PROCESS_ASYNC;
        "xshell::Shell.read_file" => FS, "`tokio::fs::read_to_string(..).await`";
        "xshell::Shell.read_binary_file" => FS, "`tokio::fs::read(..).await`";
        "xshell::Shell.write_file" => FS, "`tokio::fs::write(..).await`";
        "xshell::Shell.read_dir" => FS, "`tokio::fs::read_dir(..).await`";
        "xshell::Shell.create_dir" => FS, "`tokio::fs::create_dir_all(..).await`";
        "xshell::Shell.remove_path" => FS, "`tokio::fs::remove_dir_all(..).await`";
        "xshell::Shell.copy_file" => FS, "`tokio::fs::copy(..).await`";
    },
    blocking! { packages DUCT;
        "duct::Expression.run" => PROCESS, PROCESS_ASYNC;
        "duct::Expression.read" => PROCESS, PROCESS_ASYNC;
        "duct::Handle.wait" => PROCESS, PROCESS_ASYNC;
        "duct::Handle.into_output" => PROCESS, PROCESS_ASYNC;
    },
    blocking! { packages FS_EXTRA;
        "fs_extra::dir::copy" => FS, "";
        "fs_extra::dir::create" => FS, "`tokio::fs::create_dir(..).await`";
        "fs_extra::dir::create_all" => FS, "`tokio::fs::create_dir_all(..).await`";
        "fs_extra::dir::remove" => FS, "`tokio::fs::remove_dir_all(..).await`";
        "fs_extra::dir::move_dir" => FS, "";
        "fs_extra::dir::get_size" => FS, "";
        "fs_extra::dir::get_dir_content" => FS, "";
        "fs_extra::file::copy" => FS, "`tokio::fs::copy(..).await`";
        "fs_extra::file::move_file" => FS, "`tokio::fs::rename(..).await`";
        "fs_extra::file::remove" => FS, "`tokio::fs::remove_file(..).await`";
        "fs_extra::file::read_to_string" => FS, "`tokio::fs::read_to_string(..).await`";
        "fs_extra::file::write_all" => FS, "`tokio::fs::write(..).await`";
        "fs_extra::copy_items" => FS, "";
        "fs_extra::move_items" => FS, "";
        "fs_extra::remove_items" => FS, "";
    },
    blocking! { packages GLOB;
        "glob::glob" => FS, "";
        "glob::glob_with" => FS, "";
    },
    blocking! { packages DUNCE;
        "dunce::canonicalize" => FS, "`tokio::fs::canonicalize(..).await`";
    },
    blocking! { packages ATTOHTTPC;
        "attohttpc::RequestBuilder.send" => NET, HTTP;
    },
    blocking! { packages MINREQ;
        "minreq::Request.send" => NET, HTTP;
    },
    blocking! { packages ISAHC;
        "isahc::get" => NET, "`isahc::get_async(..).await`";
        "isahc::post" => NET, "`isahc::post_async(..).await`";
        "isahc::put" => NET, "`isahc::put_async(..).await`";
        "isahc::delete" => NET, "`isahc::delete_async(..).await`";
        "isahc::head" => NET, "`isahc::head_async(..).await`";
        "isahc::send" => NET, "`isahc::send_async(..).await`";
        "isahc::HttpClient.get" => NET, "`get_async(..).await`";
        "isahc::HttpClient.post" => NET, "`post_async(..).await`";
        "isahc::HttpClient.send" => NET, "`send_async(..).await`";
    },
    blocking! { packages MYSQL;
        "mysql::Pool::new" => NET, "`mysql_async`";
        "mysql::Pool.get_conn" => NET, "`mysql_async::Pool::get_conn().await`";
        "mysql::Conn::new" => NET, "`mysql_async`";
        "mysql::PooledConn.query" => NET, "`mysql_async`";
        "mysql::PooledConn.query_drop" => NET, "`mysql_async`";
        "mysql::PooledConn.query_first" => NET, "`mysql_async`";
        "mysql::PooledConn.query_map" => NET, "`mysql_async`";
        "mysql::PooledConn.exec" => NET, "`mysql_async`";
        "mysql::PooledConn.exec_drop" => NET, "`mysql_async`";
        "mysql::PooledConn.exec_first" => NET, "`mysql_async`";
        "mysql::PooledConn.exec_batch" => NET, "`mysql_async`";
        "mysql::Conn.query" => NET, "`mysql_async`";
        "mysql::Conn.query_drop" => NET, "`mysql_async`";
        "mysql::Conn.query_first" => NET, "`mysql_async`";
        "mysql::Conn.exec" => NET, "`mysql_async`";
        "mysql::Conn.exec_drop" => NET, "`mysql_async`";
        "mysql::Conn.exec_first" => NET, "`mysql_async`";
    },
    blocking! { packages ONESHOT;
        "oneshot::Receiver.recv" => WAIT, "`.await` on the receiver";
        "oneshot::Receiver.recv_timeout" => WAIT, "`tokio::time::timeout(.., receiver).await`";
        "oneshot::Receiver.recv_ref" => WAIT, "`.await` on the receiver";
    },
    blocking! { packages SQLITE_CRATE;
        "sqlite::open" => FS, SQLITE;
        "sqlite::Connection::open" => FS, SQLITE;
        "sqlite::Connection.execute" => FS, SQLITE;
        "sqlite::Connection.iterate" => FS, SQLITE;
        "sqlite::Statement.next" => FS, SQLITE;
    },
    blocking! { packages SLED;
        "sled::open" => FS, "the database opened in `tokio::task::spawn_blocking`";
        "sled::Config.open" => FS, "the database opened in `tokio::task::spawn_blocking`";
        "sled::Db.flush" => FS, "`flush_async().await`";
        "sled::Tree.flush" => FS, "`flush_async().await`";
    },
    blocking! { packages MONGODB;
        "mongodb::sync::Client::with_uri_str" => NET, MONGO;
        "mongodb::sync::Collection.find" => NET, MONGO;
        "mongodb::sync::Collection.find_one" => NET, MONGO;
        "mongodb::sync::Collection.insert_one" => NET, MONGO;
        "mongodb::sync::Collection.insert_many" => NET, MONGO;
        "mongodb::sync::Collection.update_one" => NET, MONGO;
        "mongodb::sync::Collection.update_many" => NET, MONGO;
        "mongodb::sync::Collection.replace_one" => NET, MONGO;
        "mongodb::sync::Collection.delete_one" => NET, MONGO;
        "mongodb::sync::Collection.delete_many" => NET, MONGO;
        "mongodb::sync::Collection.count_documents" => NET, MONGO;
        "mongodb::sync::Collection.aggregate" => NET, MONGO;
    },
    blocking! { packages SUBPROCESS;
        "subprocess::Exec.join" => PROCESS, PROCESS_ASYNC;
        "subprocess::Exec.capture" => PROCESS, PROCESS_ASYNC;
        "subprocess::Popen.wait" => PROCESS, PROCESS_ASYNC;
        "subprocess::Popen.communicate" => PROCESS, PROCESS_ASYNC;
    },
];

/// A crate whose module mirrors a std module: a path under the first is looked up as the
/// same path under the second, active with the crate's packages. `fs_err::tokio` has no
/// std counterpart, so its async functions match nothing.
pub(crate) static MIRRORS: &[(&str, &str, &[&str])] = &[
    ("fs_err::os::", "std::os::", FS_ERR),
    ("fs_err::", "std::fs::", FS_ERR),
];

/// Types the tables name more precisely than the crate does (a sender of a bounded
/// channel), and the name users know them by.
pub(crate) static SHOWN_AS: &[(&str, &str)] = &[
    (
        "crossbeam_channel::BoundedSender",
        "crossbeam_channel::Sender",
    ),
    ("flume::BoundedSender", "flume::Sender"),
];

/// The name users know a type by.
pub(crate) fn shown_as(path: &str) -> &str {
    SHOWN_AS
        .iter()
        .find(|row| row.0 == path)
        .map_or(path, |row| row.1)
}

/// Sends on a bounded channel: they wait only while it is full.
pub(crate) static WAITS_WHEN_FULL: &[&str] = &[
    "std::sync::mpsc::SyncSender.send",
    "crossbeam_channel::BoundedSender.send",
    "crossbeam_channel::BoundedSender.send_timeout",
    "flume::BoundedSender.send",
    "flume::BoundedSender.send_timeout",
];

/// The capacity type argument of a bounded sender built with a literal `0`: a
/// rendezvous channel, whose every send waits for the receiver.
pub(crate) const NO_BUFFER: &str = "literal::0";

/// Pools whose `get` hands out a connection: the connection manager, and the catalogue
/// type its connections are (`arg0`: the manager's type argument).
pub(crate) static POOL_MANAGERS: &[(&str, &str)] = &[
    (
        "r2d2_postgres::PostgresConnectionManager",
        "postgres::Client",
    ),
    (
        "r2d2_sqlite::SqliteConnectionManager",
        "rusqlite::Connection",
    ),
    ("r2d2_redis::RedisConnectionManager", "redis::Connection"),
    // diesel's manager: the connection is its type argument.
    ("r2d2::ConnectionManager", "arg0"),
];

/// A pooled connection type, which dereferences to its manager's connection.
pub(crate) const POOLED_CONNECTION: &str = "r2d2::PooledConnection";

/// Methods that run a query on the connection passed as their only argument
/// (`query.load(&mut conn)`), and the sync connections they block on: the catalogue row
/// is `Connection.method`, looked up by the argument's type (a `diesel_async` connection
/// is none of these: its queries are awaited).
pub(crate) static QUERY_CONNECTIONS: &[&str] = &[
    "diesel::sqlite::SqliteConnection",
    "diesel::pg::PgConnection",
    "diesel::mysql::MysqlConnection",
];
pub(crate) static RUN_ON_ARGUMENT: &[&str] = &[
    "load",
    "get_result",
    "get_results",
    "first",
    "execute",
    "load_iter",
];

/// `std::io::copy`-like functions: the argument positions of the reader and the writer,
/// and the catalogue method (`read`, `write`) that says how each one blocks; the first
/// argument that blocks gives the rule. Between in-memory buffers, nothing blocks.
/// An argument position and the catalogue method that says how a value there blocks.
pub(crate) type Forwarded = (usize, &'static str);

pub(crate) static IO_FORWARDING: &[(&str, &[Forwarded], &str)] = &[
    (
        "std::io::copy",
        &[(0, "read"), (1, "write")],
        "`tokio::io::copy(..).await` on tokio handles",
    ),
    (
        "serde_json::from_reader",
        &[(0, "read")],
        "`tokio::fs::read(..).await`, then `serde_json::from_slice`",
    ),
    (
        "serde_json::to_writer",
        &[(0, "write")],
        "`serde_json::to_vec`, then `tokio::fs::write(..).await`",
    ),
    (
        "serde_json::to_writer_pretty",
        &[(0, "write")],
        "`serde_json::to_vec_pretty`, then `tokio::fs::write(..).await`",
    ),
];
