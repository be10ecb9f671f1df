output "public_ip" {
  description = "The cloud host's stable address (Elastic IP)."
  value       = aws_eip.failoverd.public_ip
}

output "webhook_url" {
  description = "Alertmanager's webhook_configs url for the failover receiver."
  value       = "https://${aws_eip.failoverd.public_ip}:${var.webhook_port}/failover"
}

output "haproxy_backup_server" {
  description = "The backup server line for haproxy/haproxy.cfg (or CLOUD_ADDR=ip:port)."
  value       = "server cloud ${aws_eip.failoverd.public_ip}:${var.api_port} backup rise 1"
}

output "alertmanager_receiver" {
  description = "The receiver for prometheus/alertmanager.yml. Fetch the host's self-signed certificate once into ca_file (docs/deploy.md, step 3)."
  value       = <<-EOT
    - name: failoverd
      webhook_configs:
        - url: https://${aws_eip.failoverd.public_ip}:${var.webhook_port}/failover
          send_resolved: true
          max_alerts: 0
          http_config:
            authorization:
              type: Bearer
              credentials_file: /etc/alertmanager/failoverd-token
            tls_config:
              ca_file: /etc/alertmanager/failoverd-ca.pem
  EOT
}

output "client_url" {
  description = "Whole-site profile: where clients reach the API (HAProxy on the cloud host); null without control_plane."
  value       = var.control_plane ? "https://${aws_eip.failoverd.public_ip}:${var.frontend_port}/" : null
}

output "boot_status_command" {
  description = "Prints the host's last event: how its boot ended (ok with the failoverd version, or the step that failed and its message) or, later, how the last settings change went (applied with a reload or restart, or why not). terraform apply succeeds either way."
  value       = "aws ssm get-parameter --region ${var.region} --name ${var.boot_status_parameter} --query Parameter.Value --output text"
}

output "console_output_command" {
  description = "Prints the host's console: the user data's whole log (cloud-init), for a boot that failed."
  value       = "aws ec2 get-console-output --region ${var.region} --instance-id ${aws_instance.failoverd.id} --latest --output text"
}

output "ssh_command" {
  description = "With instance_connect_endpoint: SSH to the host through the endpoint (Debian's user is admin); null without it."
  value       = var.instance_connect_endpoint ? "aws ec2-instance-connect ssh --region ${var.region} --instance-id ${aws_instance.failoverd.id} --connection-type eice --os-user admin --private-key-file ~/.ssh/${var.ssh_key_name}.pem" : null
}

output "settings_sha256" {
  description = "The SHA-256 of the settings this apply stored: the host's status (boot_status_command) names their first 12 digits once it applied them, within about a minute."
  value       = sha256(local.settings)
}
