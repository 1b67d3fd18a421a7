use super::RuleDoc;

/// Under a direct call: what the call does to the thread.
pub(super) const LABEL: &str = "blocks this thread on the network";

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "blocking network call in async context",
    what_it_does: "Finds blocking network I/O in async context: `std::net` sockets \
(`TcpStream::connect`, `TcpListener::accept` and `incoming`, reads and writes on std sockets, \
`UdpSocket` I/O), DNS lookups through `to_socket_addrs`, and the blocking HTTP clients \
`reqwest::blocking` and `ureq`. Resolving an IP address written out (`\"127.0.0.1:80\"`, \
`(\"0.0.0.0\", port)`, `format!(\"127.0.0.1:{port}\")`, or a name bound to one on every branch of \
an `if` or `match`) looks nothing up and is not reported, here or through the fns it is given to.",
    why_is_this_bad: "A blocking socket holds the runtime worker until the peer answers, which \
may be never. `reqwest::blocking` also starts and drops a runtime of its own, which panics inside \
a tokio runtime.",
    known_problems: "A socket method is reported only when the source shows the socket is \
std's (a constructor, an annotation, a parameter or field type).",
    example: r#"
use std::io::Write;
use std::net::TcpStream;

async fn notify(addr: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(b"ping")
}
"#,
    use_instead: r#"
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

async fn notify(addr: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(b"ping").await
}
"#,
};
