/** The bot's configuration file ({@code sage.yaml}): read, substituted from the environment, and checked at load. */
package dev.sage.config;
