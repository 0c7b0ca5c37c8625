package dev.authbox.http;

import dev.authbox.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Builds Jetty's TLS context from a PEM certificate chain and PEM private key: TLS 1.2 and 1.3 only. */
final class TlsContext {
    private static final char[] IN_MEMORY_PASSWORD = "authbox".toCharArray();

    private TlsContext() {
    }

    static SslContextFactory.Server fromPem(String certFile, String keyFile) {
        try {
            Collection<? extends Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(certFile))));
            if (chain.isEmpty()) {
                throw new ConfigException(certFile + " holds no PEM certificate");
            }
            PrivateKey key = privateKey(Files.readString(Path.of(keyFile), StandardCharsets.US_ASCII), keyFile);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("authbox", key, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(store);
            ssl.setKeyStorePassword(new String(IN_MEMORY_PASSWORD));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            return ssl;
        } catch (IOException e) {
            throw new ConfigException("cannot read the TLS files: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("the TLS certificate or key is not usable: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String pem, String file) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new ConfigException(file + " must hold an unencrypted PKCS#8 key ('BEGIN PRIVATE KEY');"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next key type
            }
        }
        throw new ConfigException(file + " holds a private key of an unsupported type (RSA, EC or Ed25519 expected)");
    }
}
