# The consortia container image, for people who build with Docker or Podman.
# It is the same image as the daemon-less builder makes (deploy/image; see
# README, "Container image"); deploy/image/dockerfile_test.go checks that the
# user, entrypoint, environment, port, volume and labels agree.
#
#   docker build --build-arg VERSION=1.2.0 --build-arg REVISION="$(git rev-parse HEAD)" -t consortia:1.2.0 .

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
ARG VERSION=0.1.0-dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static binary (SQLite is pure Go), CA certificates, Go's time zone database,
# a passwd entry for the non-root user and a world-writable /tmp.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=${VERSION}" -o /out/usr/local/bin/consortia ./cmd/consortia \
 && mkdir -p /out/etc/ssl/certs /out/usr/share /out/tmp /data \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ca-certificates.crt \
 && cp "$(go env GOROOT)/lib/time/zoneinfo.zip" /out/usr/share/zoneinfo.zip \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/data:/sbin/nologin\n' >/out/etc/passwd \
 && printf 'root:x:0:\nnonroot:x:65532:\n' >/out/etc/group \
 && chmod 1777 /out/tmp

FROM scratch
ARG VERSION=0.1.0-dev
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
ARG SOURCE_URL=https://github.com/consortia/consortia
COPY --from=build /out/ /
COPY --from=build --chown=65532:65532 /data /data
ENV CONSORTIA_ADDR=0.0.0.0:8080
ENV CONSORTIA_DATABASE_URL=/data/consortia.db
ENV CONSORTIA_LOG_FORMAT=json
ENV CONSORTIA_MAIL_DIR=/data/mail-outbox
ENV PATH=/usr/local/bin
ENV ZONEINFO=/usr/share/zoneinfo.zip
LABEL org.opencontainers.image.title="consortia"
LABEL org.opencontainers.image.description="Run a consortium of member communities: roadmap, prioritization rounds, co-funding, updates."
LABEL org.opencontainers.image.licenses="BSD-3-Clause"
LABEL org.opencontainers.image.source="${SOURCE_URL}"
LABEL org.opencontainers.image.version="${VERSION}"
LABEL org.opencontainers.image.revision="${REVISION}"
LABEL org.opencontainers.image.created="${CREATED}"
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080/tcp
ENTRYPOINT ["/usr/local/bin/consortia", "serve"]
