/**
 * The playbook format: YAML files an SRE can read and write, loaded and validated here. See
 * {@code playbooks/README.md} for the format.
 */
package dev.sage.playbook;
