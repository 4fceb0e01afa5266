package dev.ksync.store;

import dev.ksync.config.AppConfig.S3Settings;
import dev.ksync.config.Secret;
import java.net.URI;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** The same contract against a real S3 protocol peer: s3proxy in-process, in memory. */
class S3ObjectStoreTest extends ObjectStoreContract {
    private static S3Proxy proxy;
    private static S3ObjectStore store;

    @BeforeAll
    static void startS3() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("transient", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.onSpinWait();
        }
        store = S3ObjectStore.create(new S3Settings(Optional.of(URI.create("http://127.0.0.1:" + proxy.getPort())),
                "us-east-1", Optional.of(new Secret("test-access")), Optional.of(new Secret("test-secret")), true));
    }

    @BeforeEach
    void bucket() {
        try (var s3 = software.amazon.awssdk.services.s3.S3Client.builder()
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .forcePathStyle(true)
                .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test-access", "test-secret")))
                .build()) {
            s3.createBucket(b -> b.bucket(BUCKET));
        } catch (BucketAlreadyOwnedByYouException alreadyThere) {
            // created by an earlier test
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() != 409) {
                throw e;
            }
        }
    }

    @AfterAll
    static void stopS3() throws Exception {
        store.close();
        proxy.stop();
    }

    @Override
    ObjectStore store() {
        return store;
    }
}
