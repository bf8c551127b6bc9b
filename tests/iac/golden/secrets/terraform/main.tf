provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAQ4MZJ7XN2PLK5RTW"
  secret_key = "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"
}

resource "aws_db_instance" "main" {
  identifier = "main"
  username   = "admin"
  password   = "AdminPassword123!"
}

resource "aws_db_instance" "replica" {
  username = "admin"
  password = var.db_password
}

resource "aws_rds_cluster" "aurora" {
  master_password = "${var.aurora_password}"
  # password_length is a number, not a secret
  password_length = 32
}

resource "random_password" "db" {
  length = 24
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = random_password.db.result
}

variable "admin_password" {
  type    = string
  default = "Sup3rAdm1n!"
}

variable "region" {
  default = "eu-west-1"
}
