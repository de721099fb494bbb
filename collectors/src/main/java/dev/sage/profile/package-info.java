/** What a JDK Flight Recorder recording says: where memory is allocated, where CPU goes, who waits, who starts threads. */
package dev.sage.profile;
