# values the code leaves open are never guessed: the rules reading them are not applicable
variable "bucket_name" {
  type = string
}

variable "versioning_status" {
  type = string
}

variable "admin_cidrs" {
  type = list(string)
}

resource "aws_s3_bucket" "open" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_versioning" "open" {
  bucket = aws_s3_bucket.open.id
  versioning_configuration {
    status = var.versioning_status
  }
}

resource "aws_security_group" "admin" {
  name   = "admin"
  vpc_id = "vpc-0abc"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
}
