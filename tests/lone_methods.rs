//! `#[desugar]` on a single method of an inherent impl (the impl itself unmarked), compared with
//! the native method. Written out twice by hand: the `case!` harness marks whole items only.

#[path = "common/mod.rs"]
#[macro_use]
#[allow(unused_macros)]
mod common;

use common::Trace;

mod native {
    use super::Trace;

    pub struct Conn<'a, T> {
        pub trace: Trace,
        pub name: &'a str,
        pub items: Vec<T>,
    }

    impl<'a, T: Clone + std::fmt::Debug> Conn<'a, T> {
        pub async fn send(&mut self, item: T) -> usize {
            let item = self.trace.step("send", 1, item).await;
            self.items.push(item);
            self.items.len()
        }

        pub async fn describe(&self, prefix: &str) -> String {
            self.trace.step("describe", 2, ()).await;
            format!("{prefix}{}: {:?}", self.name, self.items)
        }

        pub async fn into_items(self) -> Vec<T> {
            self.trace.step("into", 1, ()).await;
            self.items
        }

        // Private and generic: the state keeps a borrow of `src`, of a generic type.
        async fn fill<R: AsRef<[T]>>(&mut self, src: R) -> usize {
            let items = src.as_ref();
            self.trace.step("fill", 1, ()).await;
            self.items.extend_from_slice(items);
            self.items.len()
        }

        pub async fn fill_twice(&mut self, a: Vec<T>) -> usize {
            self.fill(&a[..1]).await + self.fill(a).await
        }
    }
    // (Fuzzer seed 5737: `self.n`, a number, is read while `self` is kept; the crate's only
    // `take_all` is `Holder`'s, which says `self`'s type, whose field `n` is `Copy`.)
    pub struct Holder {
        pub trace: Trace,
        pub a: crate::common::fuzz::Val,
        pub n: u32,
    }

    impl Holder {
        pub async fn take_all(self) -> u32 {
            let v = self.trace.step("take", 1, self.n).await;
            self.trace.log("taken");
            self.trace.step("again", 1, v).await + self.a.get()
        }
    }

    // (From crater, mini-redis's `write_value`: a private method marked alone, awaiting a future
    // of one lifetime for both of its references; the crate's source shows it is inherent.)
    pub struct Wire {
        pub trace: Trace,
        pub out: Vec<u8>,
    }

    impl Wire {
        async fn put_all<'a>(&'a mut self, bytes: &'a [u8]) -> usize {
            self.trace.step("put", 1, ()).await;
            self.out.extend_from_slice(bytes);
            self.out.len()
        }

        async fn write_wire_value(&mut self, frame: &[u8]) -> usize {
            self.put_all(frame).await
        }

        pub async fn write_wire_frames(&mut self, frames: &[Vec<u8>]) -> usize {
            let mut n = 0;
            for f in frames {
                n += self.write_wire_value(f).await;
            }
            n
        }
    }

    // (From crater, moka's `or_default`, one of two methods of that name: `self`'s type unknown
    // to the method marked alone; a field moved out, then the others read in the awaited call,
    // `hash` where the crate's method takes a `u64`.)
    pub struct Store {
        pub trace: Trace,
    }

    impl Store {
        pub async fn get_or_insert(&self, key: std::sync::Arc<String>, hash: u64) -> usize {
            self.trace
                .step("insert", 1, key.len() + hash as usize)
                .await
        }
    }

    pub struct OwnedSel<'a> {
        pub owned_key: String,
        pub hash: u64,
        pub cache: &'a Store,
    }

    pub struct RefSel<'a> {
        pub key: &'a str,
        pub cache: &'a Store,
    }

    impl OwnedSel<'_> {
        pub async fn or_default(self) -> usize {
            let key = std::sync::Arc::new(self.owned_key);
            self.cache.get_or_insert(key, self.hash).await
        }
    }

    impl RefSel<'_> {
        pub async fn or_default(self) -> usize {
            self.cache
                .get_or_insert(std::sync::Arc::new(self.key.to_string()), 0)
                .await
        }
    }

    // (Crater, tiberius's `Client::connect`: no `self`, a parameter of the `impl`'s type
    // parameter `S`, which must outlive the future's lifetimes: E0309 without a bound.)
    pub struct Client<S> {
        pub stream: S,
        pub n: u32,
    }

    impl<S: Send + Unpin> Client<S> {
        pub async fn connect(trace: &Trace, stream: S) -> Result<Client<S>, ()> {
            let n = trace.step("connect", 1, 7).await;
            Ok(Client { stream, n })
        }
    }

    // (Crater, async_zip's `EntryStreamWriter::from_raw` and `write_lfh`: no `self`, a
    // parameter borrowed for the `impl`'s lifetime `'b`, which must outlive the future's.)
    pub struct Writer {
        pub trace: Trace,
        pub out: Vec<u32>,
        pub zip64: bool,
    }

    pub struct EntryWriter<'b> {
        pub w: &'b mut Writer,
        pub n: usize,
    }

    impl<'b> EntryWriter<'b> {
        pub async fn from_raw(writer: &'b mut Writer, item: u32) -> Result<EntryWriter<'b>, ()> {
            let n = EntryWriter::write_lfh(writer, &item).await?;
            Ok(EntryWriter { w: writer, n })
        }

        async fn write_lfh(writer: &'b mut Writer, item: &u32) -> Result<usize, ()> {
            if !writer.zip64 {
                writer.zip64 = true;
            }
            writer.trace.step("lfh", 1, ()).await;
            writer.out.push(*item);
            Ok(writer.out.len())
        }
    }
    // (Crater, octocrab's builders' `send(self)`, one per builder type of a file: `self`'s type
    // is the one whose `send` is on the method's line. A field moves out, the others are read
    // across an `.await`: `self` is bound field by field.)
    // (Named otherwise here: the desugared module's are the crate's only `ListA` and `ListB`.)
    pub type ListA<'c> = NativeListA<'c>;
    pub type ListB<'c> = NativeListB<'c>;

    pub struct NativeListA<'c> {
        pub crab: &'c Store,
        pub etag: Option<crate::common::Noisy>,
        pub page: u32,
    }

    pub struct NativeListB<'c> {
        pub crab: &'c Store,
        pub name: String,
    }

    impl NativeListA<'_> {
        pub async fn send(self) -> usize {
            let mut n = 0;
            if let Some(etag) = self.etag {
                n += etag.name.len();
            }
            n + self
                .crab
                .get_or_insert(std::sync::Arc::new("a".into()), self.page as u64)
                .await
        }
    }

    impl NativeListB<'_> {
        pub async fn send(self) -> usize {
            let key = std::sync::Arc::new(self.name);
            self.crab.get_or_insert(key, 1).await
        }
    }
}

mod desugared {
    use super::Trace;

    pub struct Conn<'a, T> {
        pub trace: Trace,
        pub name: &'a str,
        pub items: Vec<T>,
    }

    impl<'a, T: Clone + std::fmt::Debug> Conn<'a, T> {
        #[desugar::desugar]
        pub async fn send(&mut self, item: T) -> usize {
            let item = self.trace.step("send", 1, item).await;
            self.items.push(item);
            self.items.len()
        }

        #[desugar::desugar]
        pub async fn describe(&self, prefix: &str) -> String {
            self.trace.step("describe", 2, ()).await;
            format!("{prefix}{}: {:?}", self.name, self.items)
        }

        #[desugar::desugar]
        pub async fn into_items(self) -> Vec<T> {
            self.trace.step("into", 1, ()).await;
            self.items
        }

        // Private and generic, keeping a borrow of `src`, of a generic type: `R` must outlive
        // the receiver's lifetime (it was E0309 while a method marked alone had no `'fut`).
        #[desugar::desugar]
        async fn fill<R: AsRef<[T]>>(&mut self, src: R) -> usize {
            let items = src.as_ref();
            self.trace.step("fill", 1, ()).await;
            self.items.extend_from_slice(items);
            self.items.len()
        }

        #[desugar::desugar]
        pub async fn fill_twice(&mut self, a: Vec<T>) -> usize {
            self.fill(&a[..1]).await + self.fill(a).await
        }
    }
    pub struct Holder {
        pub trace: Trace,
        pub a: crate::common::fuzz::Val,
        pub n: u32,
    }

    impl Holder {
        #[desugar::desugar]
        pub async fn take_all(self) -> u32 {
            let v = self.trace.step("take", 1, self.n).await;
            self.trace.log("taken");
            self.trace.step("again", 1, v).await + self.a.get()
        }
    }

    // (From crater, mini-redis's `write_value`: a private method marked alone, awaiting a future
    // of one lifetime for both of its references; the crate's source shows it is inherent.)
    pub struct Wire {
        pub trace: Trace,
        pub out: Vec<u8>,
    }

    impl Wire {
        async fn put_all<'a>(&'a mut self, bytes: &'a [u8]) -> usize {
            self.trace.step("put", 1, ()).await;
            self.out.extend_from_slice(bytes);
            self.out.len()
        }

        #[desugar::desugar]
        async fn write_wire_value(&mut self, frame: &[u8]) -> usize {
            self.put_all(frame).await
        }

        #[desugar::desugar]
        pub async fn write_wire_frames(&mut self, frames: &[Vec<u8>]) -> usize {
            let mut n = 0;
            for f in frames {
                n += self.write_wire_value(f).await;
            }
            n
        }
    }

    // (From crater, moka's `or_default`, one of two methods of that name: `self`'s type unknown
    // to the method marked alone; a field moved out, then the others read in the awaited call,
    // `hash` where the crate's method takes a `u64`.)
    pub struct Store {
        pub trace: Trace,
    }

    impl Store {
        pub async fn get_or_insert(&self, key: std::sync::Arc<String>, hash: u64) -> usize {
            self.trace
                .step("insert", 1, key.len() + hash as usize)
                .await
        }
    }

    pub struct OwnedSel<'a> {
        pub owned_key: String,
        pub hash: u64,
        pub cache: &'a Store,
    }

    pub struct RefSel<'a> {
        pub key: &'a str,
        pub cache: &'a Store,
    }

    impl OwnedSel<'_> {
        #[desugar::desugar]
        pub async fn or_default(self) -> usize {
            let key = std::sync::Arc::new(self.owned_key);
            self.cache.get_or_insert(key, self.hash).await
        }
    }

    impl RefSel<'_> {
        pub async fn or_default(self) -> usize {
            self.cache
                .get_or_insert(std::sync::Arc::new(self.key.to_string()), 0)
                .await
        }
    }

    // (Crater, tiberius's `Client::connect`: no `self`, a parameter of the `impl`'s type
    // parameter `S`, which must outlive the future's lifetimes: E0309 without a bound.)
    pub struct Client<S> {
        pub stream: S,
        pub n: u32,
    }

    impl<S: Send + Unpin> Client<S> {
        #[desugar::desugar]
        pub async fn connect(trace: &Trace, stream: S) -> Result<Client<S>, ()> {
            let n = trace.step("connect", 1, 7).await;
            Ok(Client { stream, n })
        }
    }

    // (Crater, async_zip's `EntryStreamWriter::from_raw` and `write_lfh`: no `self`, a
    // parameter borrowed for the `impl`'s lifetime `'b`, which must outlive the future's.)
    pub struct Writer {
        pub trace: Trace,
        pub out: Vec<u32>,
        pub zip64: bool,
    }

    pub struct EntryWriter<'b> {
        pub w: &'b mut Writer,
        pub n: usize,
    }

    impl<'b> EntryWriter<'b> {
        #[desugar::desugar]
        pub async fn from_raw(writer: &'b mut Writer, item: u32) -> Result<EntryWriter<'b>, ()> {
            let n = EntryWriter::write_lfh(writer, &item).await?;
            Ok(EntryWriter { w: writer, n })
        }

        #[desugar::desugar]
        async fn write_lfh(writer: &'b mut Writer, item: &u32) -> Result<usize, ()> {
            if !writer.zip64 {
                writer.zip64 = true;
            }
            writer.trace.step("lfh", 1, ()).await;
            writer.out.push(*item);
            Ok(writer.out.len())
        }
    }
    // (Crater, octocrab's builders' `send(self)`, one per builder type of a file: `self`'s type
    // is the one whose `send` is on the method's line. A field moves out, the others are read
    // across an `.await`: `self` is bound field by field.)
    pub struct ListA<'c> {
        pub crab: &'c Store,
        pub etag: Option<crate::common::Noisy>,
        pub page: u32,
    }

    pub struct ListB<'c> {
        pub crab: &'c Store,
        pub name: String,
    }

    impl ListA<'_> {
        #[desugar::desugar]
        pub async fn send(self) -> usize {
            let mut n = 0;
            if let Some(etag) = self.etag {
                n += etag.name.len();
            }
            n + self
                .crab
                .get_or_insert(std::sync::Arc::new("a".into()), self.page as u64)
                .await
        }
    }

    impl ListB<'_> {
        #[desugar::desugar]
        pub async fn send(self) -> usize {
            let key = std::sync::Arc::new(self.name);
            self.crab.get_or_insert(key, 1).await
        }
    }
}

macro_rules! scenario {
    ($module:ident) => {
        |t: Trace| async move {
            let trace = t.clone();
            let name = String::from("conn");
            let mut c = $module::Conn {
                trace: t,
                name: &name,
                items: vec![1u8],
            };
            let n = c.send(2).await;
            let d = c.describe("> ").await;
            let f = c.fill_twice(vec![3, 4]).await;
            let items = c.into_items().await;
            let a = trace.val(6);
            let h = $module::Holder {
                trace: trace.clone(),
                a,
                n: 5,
            }
            .take_all()
            .await;
            let mut w = $module::Wire {
                trace,
                out: Vec::new(),
            };
            let o = w.write_wire_frames(&[vec![1, 2], vec![3]]).await;
            let store = $module::Store {
                trace: w.trace.clone(),
            };
            let s1 = $module::OwnedSel {
                owned_key: "key".into(),
                hash: 2,
                cache: &store,
            }
            .or_default()
            .await;
            let s2 = $module::RefSel {
                key: "k",
                cache: &store,
            }
            .or_default()
            .await;
            let client = $module::Client::connect(&store.trace, 5u8).await.unwrap();
            let mut writer = $module::Writer {
                trace: store.trace.clone(),
                out: Vec::new(),
                zip64: false,
            };
            let entry = $module::EntryWriter::from_raw(&mut writer, 8)
                .await
                .unwrap();
            let e = (entry.n, entry.w.zip64);
            let etag = Some(store.trace.noisy("etag"));
            let a = $module::ListA {
                crab: &store,
                etag,
                page: 3,
            }
            .send()
            .await;
            let b = $module::ListB {
                crab: &store,
                name: "b".into(),
            }
            .send()
            .await;
            (
                n,
                d,
                f,
                items,
                h,
                o,
                s1,
                s2,
                client.stream,
                client.n,
                e,
                (a, b),
            )
        }
    };
}

// (Helpers' ordinary programs: a trait of the crate has a method named as `Wire`'s
// `write_wire_value`. The crate's source shows, by its line, that the one marked alone is of an
// inherent `impl`; taken for a trait impl's, it got no `'fut` for the future tying its two
// references' lifetimes: E0700.)
trait WireValue {
    fn write_wire_value(&self) -> usize;
}

impl WireValue for u8 {
    fn write_wire_value(&self) -> usize {
        usize::from(*self)
    }
}

#[test]
fn lone_methods_are_equivalent() {
    assert_eq!(3u8.write_wire_value(), 3);
    common::check("lone_methods", scenario!(native), scenario!(desugared));
}
