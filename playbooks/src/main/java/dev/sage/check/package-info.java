/**
 * Named checks: the conditions playbooks are made of. Each check is a pure function of a snapshot and typed
 * parameters, and says which captures it needs and which figures it gives to evidence templates.
 * {@link dev.sage.check.BuiltinChecks} is the one registration list.
 */
package dev.sage.check;
