package io.berth.agent.images;

/** An import that failed; the message says what to fix (the file, its format, the name, the registry). */
public class ImageImportException
        extends Exception
{
    public ImageImportException(String message)
    {
        super(message);
    }

    public ImageImportException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
