package dev.e2bgateway.ollama;

import dev.e2bgateway.error.ApiError;

import java.util.Base64;

/**
 * Ollama sends images as bare base64 (no media type); the upstream takes {@code data:} URLs, so
 * the type is read from the image's first bytes. A {@code data:image/...} URL is taken as it is.
 */
final class OllamaImages {

    private OllamaImages() {
    }

    /** The image at {@code path} as a {@code data:} URL; a 400 naming it when it is not a PNG, JPEG, GIF or WebP in base64. */
    static String dataUrl(String image, String path) {
        if (image.regionMatches(true, 0, "data:image/", 0, 11)) return image;
        String base64 = image.strip();
        String type = mediaType(head(base64));
        if (type == null) {
            throw ApiError.invalidRequest(path, path + ": not a base64 PNG, JPEG, GIF or WebP image (Ollama's images are"
                    + " base64 without a data: prefix)");
        }
        return "data:" + type + ";base64," + base64;
    }

    /** The first bytes of a base64 text (16 characters make 12 bytes), or none when they are not base64. */
    private static byte[] head(String base64) {
        try {
            return Base64.getDecoder().decode(base64.substring(0, Math.min(16, base64.length() - base64.length() % 4)));
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static String mediaType(byte[] b) {
        if (starts(b, 0x89, 'P', 'N', 'G')) return "image/png";
        if (starts(b, 0xFF, 0xD8, 0xFF)) return "image/jpeg";
        if (starts(b, 'G', 'I', 'F', '8')) return "image/gif";
        if (starts(b, 'R', 'I', 'F', 'F') && b.length >= 12 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) return false;
        for (int i = 0; i < magic.length; i++) if ((b[i] & 0xFF) != magic[i]) return false;
        return true;
    }
}
