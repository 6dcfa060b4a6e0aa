"""Deployment of Sésame: Terraform (``*.tf``) and the function packager (``package_functions``)."""
