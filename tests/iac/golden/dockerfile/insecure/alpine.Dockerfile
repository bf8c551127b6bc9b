FROM alpine:latest
RUN apk update && apk add curl
RUN yum install -y httpd
USER root
HEALTHCHECK NONE
