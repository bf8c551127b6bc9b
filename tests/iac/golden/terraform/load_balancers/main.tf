provider "aws" {
  region = "us-west-2"
}

locals {
  zones = ["us-west-2a", "us-west-2b"]
}

resource "aws_vpc" "main" {
  cidr_block = "10.10.0.0/16"
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = local.zones[count.index]
}

resource "aws_lb" "app" {
  name                       = "app"
  load_balancer_type         = "application"
  subnets                    = aws_subnet.public[*].id
  drop_invalid_header_fields = true
  enable_deletion_protection = true

  access_logs {
    bucket  = "app-lb-logs"
    prefix  = "app"
    enabled = true
  }
}

resource "aws_lb_listener" "app_https" {
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:us-west-2:123456789012:certificate/app"

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/app/1"
  }
}

resource "aws_lb_listener" "app_http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_wafv2_web_acl_association" "app" {
  resource_arn = aws_lb.app.arn
  web_acl_arn  = "arn:aws:wafv2:us-west-2:123456789012:regional/webacl/app/1"
}

resource "aws_alb" "internal_tools" {
  name     = "tools"
  internal = true
  subnets  = [aws_subnet.public[0].id]
}

resource "aws_alb_listener" "tools" {
  load_balancer_arn = aws_alb.internal_tools.arn
  port              = 8080

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/t/2"
  }
}

resource "aws_lb" "nlb" {
  name               = "nlb"
  load_balancer_type = "network"
  subnets            = aws_subnet.public[*].id
}

resource "aws_lb_listener" "nlb_tls" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 443
  protocol          = "TLS"
  certificate_arn   = "arn:aws:acm:us-west-2:123456789012:certificate/nlb"

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/n/3"
  }
}

resource "aws_elb" "classic" {
  name    = "classic"
  subnets = aws_subnet.public[*].id

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }
}
