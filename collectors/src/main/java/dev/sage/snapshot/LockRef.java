package dev.sage.snapshot;

/**
 * A lock as a thread dump names it: the object identity (an address such as {@code 0x00000000ffd02358},
 * or {@code Class@hash} in older formats) and the class of the locked object.
 */
public record LockRef(String id, String className) {
    @Override
    public String toString() {
        return className + " <" + id + ">";
    }
}
