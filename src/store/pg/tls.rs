//! TLS for PostgreSQL connections, as libpq's `sslmode` and `sslrootcert` URL
//! parameters ask for it, so that a database on another machine can be reached
//! encrypted and verified. tokio-postgres' URL parser knows neither `verify-ca`,
//! `verify-full` nor `sslrootcert` (it refuses the URL), so [`split`] takes both out of
//! the URL first, and [`Tls::connector`] builds the rustls connector they describe.
//!
//! rustls with ring, because reqwest already builds both: no second TLS stack, no C
//! toolchain. The crypto provider is given to this one config rather than installed
//! as the process default, which a library has no business deciding for its program.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{VerifierBuilderError, WebPkiServerVerifier};
use rustls::crypto::{ring, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore};
use std::path::PathBuf;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// libpq's `sslmode` values (`allow` aside, which tokio-postgres cannot do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// The TLS a URL asks for.
#[derive(Debug)]
pub(super) struct Tls {
    pub mode: SslMode,
    rootcert: Option<PathBuf>,
}

/// Why no connector could be built. The messages name the parameter at fault and
/// never the URL (which may hold a password); the underlying error is in the
/// message, not a `source`, so that a chain printed in full says it once.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error(
        "unknown sslmode {0:?} in the URL (disable, prefer, require, verify-ca or verify-full)"
    )]
    UnknownMode(String),
    #[error("cannot read sslrootcert {}: {error}", path.display())]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("sslrootcert {} holds no PEM certificate", path.display())]
    NoCertificate { path: PathBuf },
    #[error("sslrootcert {}: {error}", path.display())]
    BadPem {
        path: PathBuf,
        error: rustls::pki_types::pem::Error,
    },
    #[error("sslrootcert {}: not a usable root certificate: {error}", path.display())]
    BadRoot { path: PathBuf, error: rustls::Error },
    #[error("TLS setup: {0}")]
    Setup(rustls::Error),
    #[error("TLS certificate verifier: {0}")]
    Verifier(VerifierBuilderError),
}

/// Takes `sslmode` and `sslrootcert` out of `url`'s query string: the URL left for
/// tokio-postgres (otherwise as given, byte for byte) and the TLS they ask for.
/// Without `sslmode`, `prefer`, libpq's default.
pub(super) fn split(url: &str) -> Result<(String, Tls), TlsError> {
    let mut tls = Tls {
        mode: SslMode::Prefer,
        rootcert: None,
    };
    // In a URL the first '?' starts the query ('?' elsewhere is percent-encoded).
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), tls));
    };
    let mut kept = Vec::new();
    for piece in query.split('&') {
        // Percent-decoding only, as libpq does: a '+' in a path stays a '+'.
        let escaped = piece.replace('+', "%2B");
        let Some((key, value)) = url::form_urlencoded::parse(escaped.as_bytes()).next() else {
            continue;
        };
        match &*key {
            "sslmode" => {
                tls.mode = match &*value {
                    "disable" => SslMode::Disable,
                    "prefer" => SslMode::Prefer,
                    "require" => SslMode::Require,
                    "verify-ca" => SslMode::VerifyCa,
                    "verify-full" => SslMode::VerifyFull,
                    _ => return Err(TlsError::UnknownMode(value.into_owned())),
                }
            }
            "sslrootcert" => tls.rootcert = Some(PathBuf::from(value.into_owned())),
            _ => kept.push(piece),
        }
    }
    let rest = match kept.is_empty() {
        true => base.to_string(),
        false => format!("{base}?{}", kept.join("&")),
    };
    Ok((rest, tls))
}

impl Tls {
    /// tokio-postgres' mode: it negotiates, the connector verifies.
    pub fn postgres_mode(&self) -> postgres::config::SslMode {
        use postgres::config::SslMode as Pg;
        match self.mode {
            SslMode::Disable => Pg::Disable,
            SslMode::Prefer => Pg::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => Pg::Require,
        }
    }

    /// The connector for every connection of a store.
    pub fn connector(&self) -> Result<MakeRustlsConnect, TlsError> {
        let provider = Arc::new(ring::default_provider());
        // libpq: with a root certificate given, `require` behaves as `verify-ca`.
        let lenient = |chain: bool| -> Result<Arc<dyn ServerCertVerifier>, TlsError> {
            let inner = self.webpki(provider.clone())?;
            Ok(Arc::new(Lenient { inner, chain }))
        };
        let verifier = match (self.mode, &self.rootcert) {
            (SslMode::Disable | SslMode::Prefer, _) | (SslMode::Require, None) => lenient(false)?,
            (SslMode::Require | SslMode::VerifyCa, _) => lenient(true)?,
            (SslMode::VerifyFull, _) => self.webpki(provider.clone())?,
        };
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Setup)?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }

    /// The standard verifier (chain and host name) on the roots asked for.
    fn webpki(&self, provider: Arc<CryptoProvider>) -> Result<Arc<WebPkiServerVerifier>, TlsError> {
        WebPkiServerVerifier::builder_with_provider(Arc::new(self.roots()?), provider)
            .build()
            .map_err(TlsError::Verifier)
    }

    /// The certificates of `sslrootcert`, or else Mozilla's roots.
    fn roots(&self) -> Result<RootCertStore, TlsError> {
        let Some(path) = &self.rootcert else {
            return Ok(RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            });
        };
        let pem = std::fs::read(path).map_err(|error| TlsError::Unreadable {
            path: path.clone(),
            error,
        })?;
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|error| TlsError::BadPem {
                path: path.clone(),
                error,
            })?;
            roots.add(cert).map_err(|error| TlsError::BadRoot {
                path: path.clone(),
                error,
            })?;
        }
        if roots.is_empty() {
            return Err(TlsError::NoCertificate { path: path.clone() });
        }
        Ok(roots)
    }
}

/// `prefer` and `require` (`chain: false`): encryption against a passive listener,
/// any certificate accepted, as libpq does. `verify-ca` (`chain: true`): the inner
/// verifier's whole check, except that a certificate for another host name passes;
/// it checks the name last (after the chain and its dates), so nothing else is
/// skipped. The handshake's signatures are checked either way, as rustls asks.
#[derive(Debug)]
struct Lenient<V> {
    inner: Arc<V>,
    chain: bool,
}

impl<V: ServerCertVerifier> ServerCertVerifier for Lenient<V> {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if !self.chain {
            return Ok(ServerCertVerified::assertion());
        }
        let verified =
            self.inner
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        match verified {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_sslrootcert_leave_the_url() {
        let (rest, tls) = split(
            "postgres://u:p%3F@h:5/d?sslmode=verify-ca&connect_timeout=3&sslrootcert=/a+b%20c",
        )
        .unwrap();
        assert_eq!(rest, "postgres://u:p%3F@h:5/d?connect_timeout=3");
        assert_eq!(tls.mode, SslMode::VerifyCa);
        assert_eq!(tls.rootcert, Some(PathBuf::from("/a+b c")));
        let (rest, tls) = split("postgres://h/d?sslmode=disable").unwrap();
        assert_eq!(
            (rest.as_str(), tls.mode),
            ("postgres://h/d", SslMode::Disable)
        );
        let (rest, tls) = split("postgres://h/d").unwrap();
        assert_eq!(
            (rest.as_str(), tls.mode),
            ("postgres://h/d", SslMode::Prefer)
        );
        let err = split("postgres://u:s3cret@h/d?sslmode=Verify").unwrap_err();
        assert!(err.to_string().contains("sslmode \"Verify\""), "{err}");
    }

    /// Answers what it is told to, standing for the chain-and-name verifier.
    #[derive(Debug)]
    struct Says(CertificateError);

    impl ServerCertVerifier for Says {
        fn verify_server_cert(
            &self,
            _: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Err(rustls::Error::InvalidCertificate(self.0.clone()))
        }
        fn verify_tls12_signature(
            &self,
            _: &[u8],
            _: &CertificateDer<'_>,
            _: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            unreachable!()
        }
        fn verify_tls13_signature(
            &self,
            _: &[u8],
            _: &CertificateDer<'_>,
            _: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            unreachable!()
        }
        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            Vec::new()
        }
    }

    /// verify-ca forgives a certificate for another name, and nothing else.
    #[test]
    fn verify_ca_accepts_another_name_only() {
        let verify = |error: CertificateError, chain: bool| {
            let name = ServerName::try_from("db.example").unwrap();
            let v = Lenient {
                inner: Arc::new(Says(error)),
                chain,
            };
            v.verify_server_cert(
                &CertificateDer::from(vec![]),
                &[],
                &name,
                &[],
                UnixTime::now(),
            )
            .is_ok()
        };
        assert!(verify(CertificateError::NotValidForName, true));
        assert!(!verify(CertificateError::UnknownIssuer, true));
        assert!(!verify(CertificateError::Expired, true));
        assert!(verify(CertificateError::UnknownIssuer, false));
    }

    #[test]
    fn an_unreadable_or_empty_sslrootcert_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let tls = |path: &std::path::Path| Tls {
            mode: SslMode::VerifyFull,
            rootcert: Some(path.to_path_buf()),
        };
        let err = tls(&missing).connector().err().expect("no such file");
        assert!(err.to_string().contains("missing.pem"), "{err}");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let err = tls(&empty).connector().err().expect("no certificate");
        assert!(
            err.to_string().contains("holds no PEM certificate"),
            "{err}"
        );
        let bare = Tls {
            mode: SslMode::VerifyFull,
            rootcert: None,
        };
        assert!(bare.connector().is_ok(), "Mozilla's roots");
    }
}
