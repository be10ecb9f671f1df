# Registry-free image: a fully static Swift binary on an empty base. Built by scripts/build_image.sh
# with the classic builder (DOCKER_BUILDKIT=0), so air-gapped hosts need nothing but dockerd.
FROM scratch
COPY onprem-api /onprem-api
ENV PORT=8080 SITE=onprem
EXPOSE 8080
USER 65534:65534
# No shell or curl in the image: the binary probes its own /health (exit 0 healthy, 1 not).
HEALTHCHECK --interval=2s --timeout=2s --start-period=10s --retries=3 CMD ["/onprem-api", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/onprem-api"]
CMD ["serve"]
