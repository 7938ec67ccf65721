//! Real tokio code, desugared: an echo server on loopback with an accept loop, a `select!` on a
//! shutdown signal, framed reads into a buffer and `?` everywhere. The native and the desugared
//! server serve the same clients; their replies and event logs must match.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

type Log = Arc<Mutex<Vec<String>>>;

macro_rules! server {
    ($($attr:tt)*) => {
        /// Reads length-prefixed frames and echoes them upper-cased; an empty frame ends.
        $($attr)*
        pub async fn handle(mut stream: TcpStream, log: Log) -> std::io::Result<usize> {
            let mut frames = 0;
            let mut buf = vec![0u8; 64];
            loop {
                let mut len = [0u8; 1];
                stream.read_exact(&mut len).await?;
                let len = len[0] as usize;
                if len == 0 {
                    break;
                }
                stream.read_exact(&mut buf[..len]).await?;
                let reply = buf[..len].to_ascii_uppercase();
                stream.write_all(&[len as u8]).await?;
                stream.write_all(&reply).await?;
                frames += 1;
            }
            log.lock().unwrap().push(format!("connection done after {frames} frames"));
            Ok(frames)
        }

        /// Accepts connections until shutdown, serving each one in turn.
        $($attr)*
        pub async fn serve(listener: TcpListener, mut shutdown: watch::Receiver<bool>, log: Log) -> std::io::Result<usize> {
            let mut served = 0;
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let (stream, _) = accepted?;
                        let frames = handle(stream, log.clone()).await?;
                        served += frames;
                    }
                    _ = shutdown.changed() => {
                        log.lock().unwrap().push(String::from("shutting down"));
                        break;
                    }
                }
            }
            Ok(served)
        }
    };
}

mod native {
    use super::*;
    server!();
}

mod desugared {
    use super::*;
    server!(#[desugar::desugar]);
}

async fn client(addr: std::net::SocketAddr, words: &[&str]) -> std::io::Result<Vec<String>> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut replies = Vec::new();
    for word in words {
        stream.write_all(&[word.len() as u8]).await?;
        stream.write_all(word.as_bytes()).await?;
        let mut len = [0u8; 1];
        stream.read_exact(&mut len).await?;
        let mut reply = vec![0u8; len[0] as usize];
        stream.read_exact(&mut reply).await?;
        replies.push(String::from_utf8(reply).unwrap());
    }
    stream.write_all(&[0]).await?;
    Ok(replies)
}

/// Runs one server with two clients and a shutdown; returns what everyone saw.
async fn scenario(desugared: bool) -> (Vec<Vec<String>>, usize, Vec<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, shutdown) = watch::channel(false);
    let log: Log = Arc::default();
    let server = if desugared {
        tokio::spawn(desugared::serve(listener, shutdown, log.clone()))
    } else {
        tokio::spawn(native::serve(listener, shutdown, log.clone()))
    };
    let a = client(addr, &["hello", "async"]).await.unwrap();
    let b = client(addr, &["state", "machine", "!"]).await.unwrap();
    stop.send(true).unwrap();
    let served = server.await.unwrap().unwrap();
    let log = log.lock().unwrap().clone();
    (vec![a, b], served, log)
}

#[test]
fn echo_server_behaves_the_same() {
    for multi_thread in [false, true] {
        let rt = if multi_thread {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
        } else {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
        }
        .unwrap();
        let native = rt.block_on(scenario(false));
        let desugared = rt.block_on(scenario(true));
        assert_eq!(
            native.0,
            vec![vec!["HELLO", "ASYNC"], vec!["STATE", "MACHINE", "!"]]
        );
        assert_eq!(native, desugared, "multi-thread: {multi_thread}");
    }
}
