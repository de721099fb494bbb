/** Who may ask the bot for what, where: the access rules of the bot's configuration. Pure. */
package dev.sage.access;
