package dev.ksync.store;

import dev.ksync.config.AppConfig.S3Settings;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Buckets on an S3-compatible service (AWS S3, MinIO, Supabase Storage). A write is spooled to a local temporary
 * file first (memory stays flat, and the length is known), then uploaded in one PUT: S3 makes an object visible
 * only once its upload completes, so readers never see a partial object.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    /** User metadata holding the object's SHA-256, so a create-only write compares content without reading it. */
    private static final String SHA256_META = "ksync-sha256";
    private static final String SPOOL_PREFIX = "ksync-s3-";
    private final S3Client s3;
    private final String description;

    public S3ObjectStore(S3Client s3, String description) {
        this.s3 = s3;
        this.description = description;
    }

    public static S3ObjectStore create(S3Settings settings) {
        S3ClientBuilder b = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle());
        settings.endpoint().ifPresent(b::endpointOverride);
        AwsCredentialsProvider creds = settings.accessKeyId().isPresent() && settings.secretAccessKey().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        settings.accessKeyId().get().value(), settings.secretAccessKey().get().value()))
                : DefaultCredentialsProvider.builder().build();
        b.credentialsProvider(creds);
        String where = settings.endpoint().map(Object::toString).orElse("aws:" + settings.region());
        return new S3ObjectStore(b.build(), "s3:" + where);
    }

    @Override
    public StoredObject put(String bucket, String key, InputStream content) throws IOException {
        return write(bucket, key, content::transferTo);
    }

    @Override
    public StoredObject write(String bucket, String key, BodyWriter body) throws IOException {
        return spooled(bucket, key, body, (spool, made) -> {
            call(bucket, () -> s3.putObject(r -> r.bucket(bucket).key(key)
                    .metadata(Map.of(SHA256_META, made.sha256())), RequestBody.fromFile(spool)));
            return made;
        });
    }

    /** A conditional PUT ({@code If-None-Match: *}): S3 itself refuses the second creator of a key. */
    @Override
    public StoredObject create(String bucket, String key, BodyWriter body) throws IOException {
        return spooled(bucket, key, body, (spool, made) -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    call(bucket, () -> s3.putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*")
                            .metadata(Map.of(SHA256_META, made.sha256())), RequestBody.fromFile(spool)));
                    return made;
                } catch (IOException e) {
                    int status = e.getCause() instanceof S3Exception s ? s.statusCode() : 0;
                    // 412: the key is taken. 409: AWS saw a concurrent conditional write; retry to learn who won.
                    if (status != 412 && !(status == 409 && attempt < 3)) {
                        throw e;
                    }
                    Optional<StoredObject> existing = stat(bucket, key);
                    if (existing.isEmpty()) {
                        continue; // deleted meanwhile: try again
                    }
                    if (existing.get().sha256().equals(made.sha256())) {
                        return existing.get();
                    }
                    throw new ObjectExistsException(existing.get());
                }
            }
        });
    }

    /** What is done with a spooled body: {@code made} is its size and SHA-256 under the key. */
    @FunctionalInterface
    private interface Upload {
        StoredObject from(Path spool, StoredObject made) throws IOException;
    }

    /** Spools the body to a local temporary file (hashing it on the way), hands it to {@code upload}, deletes it. */
    private static StoredObject spooled(String bucket, String key, BodyWriter body, Upload upload) throws IOException {
        ObjectKeys.bucket(bucket);
        ObjectKeys.key(key);
        Path spool = Files.createTempFile(SPOOL_PREFIX, ".part");
        try {
            HashingOutputStream hashing;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 64 * 1024)) {
                hashing = new HashingOutputStream(out);
                body.writeTo(hashing);
                hashing.flush();
            }
            return upload.from(spool, new StoredObject(bucket, key, hashing.count(), hashing.sha256()));
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /** Size and SHA-256 of a stored object: from the metadata ksync writes, else by reading it through. */
    private Optional<StoredObject> stat(String bucket, String key) throws IOException {
        HeadObjectResponse head;
        try {
            head = call(bucket, () -> s3.headObject(r -> r.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (e.getCause() instanceof S3Exception s && s.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        String sha = head.metadata().get(SHA256_META);
        if (sha != null) {
            return Optional.of(new StoredObject(bucket, key, head.contentLength(), sha));
        }
        Optional<InputStream> in = get(bucket, key);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream stream = in.get()) {
            HashingOutputStream hashing = new HashingOutputStream(OutputStream.nullOutputStream());
            stream.transferTo(hashing);
            return Optional.of(new StoredObject(bucket, key, hashing.count(), hashing.sha256()));
        }
    }

    @Override
    public Optional<InputStream> get(String bucket, String key) throws IOException {
        ObjectKeys.bucket(bucket);
        ObjectKeys.key(key);
        try {
            return Optional.of(call(bucket, () -> s3.getObject(r -> r.bucket(bucket).key(key))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> list(String bucket, String prefix) throws IOException {
        ObjectKeys.bucket(bucket);
        String p = ObjectKeys.prefix(prefix);
        return call(bucket, () -> s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(p)).contents().stream()
                .map(S3Object::key)
                .sorted()
                .toList());
    }

    @Override
    public boolean delete(String bucket, String key) throws IOException {
        // S3's DELETE succeeds whether or not the object existed; ask first to answer truthfully.
        if (!exists(bucket, key)) {
            return false;
        }
        call(bucket, () -> s3.deleteObject(r -> r.bucket(bucket).key(key)));
        return true;
    }

    @Override
    public Optional<Instant> lastModified(String bucket, String key) throws IOException {
        ObjectKeys.bucket(bucket);
        ObjectKeys.key(key);
        try {
            return Optional.of(call(bucket, () -> s3.headObject(r -> r.bucket(bucket).key(key))).lastModified());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (e.getCause() instanceof S3Exception s && s.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean exists(String bucket, String key) throws IOException {
        ObjectKeys.bucket(bucket);
        ObjectKeys.key(key);
        try {
            call(bucket, () -> s3.headObject(r -> r.bucket(bucket).key(key)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (IOException e) {
            if (e.getCause() instanceof S3Exception s && s.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Spool files of uploads that died with their process (S3 keeps nothing of a PUT that did not complete). */
    @Override
    public int sweepTemporaries(Instant olderThan) throws IOException {
        return StaleTemporaries.sweep(Path.of(System.getProperty("java.io.tmpdir")), 1, SPOOL_PREFIX, olderThan);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        s3.close();
    }

    private interface S3Call<T> {
        T run();
    }

    /** Runs an S3 call, turning SDK failures into IOExceptions that say which bucket and store. */
    private <T> T call(String bucket, S3Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (NoSuchKeyException e) {
            throw e;
        } catch (NoSuchBucketException e) {
            throw new IOException("Bucket '" + bucket + "' does not exist on " + description + ": create it first", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && e.awsErrorDetails() != null
                    && "NoSuchKey".equals(e.awsErrorDetails().errorCode())) {
                throw NoSuchKeyException.builder().message(e.getMessage()).build();
            }
            throw new IOException("S3 " + description + " bucket '" + bucket + "' failed: HTTP " + e.statusCode()
                    + (e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode()), e);
        } catch (SdkException e) {
            throw new IOException("S3 " + description + " bucket '" + bucket + "' unreachable: " + e.getMessage(), e);
        }
    }
}
