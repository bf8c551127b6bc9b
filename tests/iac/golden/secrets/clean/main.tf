variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "main" {
  password = var.db_password
}

resource "aws_iam_user_login_profile" "u" {
  user                    = "u"
  password_reset_required = true
  password_length         = 20
}

locals {
  empty_password = ""
  token          = data.aws_ssm_parameter.token.value
  example_key    = "AKIAIOSFODNN7EXAMPLE"
}
