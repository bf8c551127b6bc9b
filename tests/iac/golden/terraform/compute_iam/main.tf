provider "aws" {
  region = "us-east-1"
}

variable "instance_type" {
  type    = string
  default = "t3.micro"
}

resource "aws_instance" "legacy" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = var.instance_type
  associate_public_ip_address = true
}

resource "aws_instance" "hardened" {
  ami           = "ami-0123456789abcdef0"
  instance_type = var.instance_type
  subnet_id     = aws_subnet.private.id

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    encrypted = true
  }
}

resource "aws_subnet" "private" {
  vpc_id     = "vpc-0abc"
  cidr_block = "10.0.1.0/24"
}

resource "aws_ebs_volume" "plain" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = false
}

resource "aws_iam_policy" "admin" {
  name = "everything"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "ops_admin" {
  role       = aws_iam_role.ops.name
  policy_arn = aws_iam_policy.admin.arn
}

resource "aws_iam_policy" "reader" {
  name = "reader"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::acme-data/*" }]
  })
}

resource "aws_kms_key" "unrotated" {
  description = "no rotation"
}

resource "aws_cloudtrail" "main" {
  name                          = "main"
  s3_bucket_name                = "acme-trail"
  is_multi_region_trail         = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.unrotated.arn
}

resource "aws_cloudtrail" "thin" {
  name           = "thin"
  s3_bucket_name = "acme-trail"
}

resource "aws_db_instance" "db" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  storage_encrypted   = true
  deletion_protection = true
  multi_az            = true
}

resource "aws_db_instance" "legacy" {
  identifier          = "legacy"
  engine              = "mysql"
  instance_class      = "db.t3.micro"
  publicly_accessible = true
}

resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length        = 14
  require_symbols                = true
  require_numbers                = true
  require_uppercase_characters   = true
  require_lowercase_characters   = true
  password_reuse_prevention      = 24
  max_password_age               = 90
}
