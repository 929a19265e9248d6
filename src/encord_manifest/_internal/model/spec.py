"""The facts of the manifest format (shared/spec/manifest-format.md), one place each.

Rules import these names instead of repeating numbers or key lists, so that a change in
Encord's documentation is a change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

# --- Section 2: top-level keys -------------------------------------------------------------

#: Top-level keys that hold lists of entries, in the order the converter writes them.
ENTRY_KEYS: Final = (
    "videos",
    "images",
    "image_groups",
    "dicom_series",
    "audio",
    "nifti",
    "text",
    "pdf",
    "time_series",
    "scenes",
)
FLAG_KEYS: Final = ("skip_duplicate_urls", "upsert_metadata")
TOP_LEVEL_KEYS: Final = ENTRY_KEYS + FLAG_KEYS

#: Entry lists whose entries carry their files as objectUrl_0, objectUrl_1, ...
GROUP_KEYS: Final = frozenset({"image_groups", "dicom_series"})
#: Entry lists whose entries carry their files inside a scene (section 2.4), not as objectUrl.
SCENE_KEY: Final = "scenes"
SINGLE_KEYS: Final = tuple(k for k in ENTRY_KEYS if k not in GROUP_KEYS and k != SCENE_KEY)

#: A human name for one entry of each list, for messages.
ENTRY_NOUN: Final = {
    "videos": "video",
    "images": "image",
    "image_groups": "image group",
    "dicom_series": "DICOM series",
    "audio": "audio file",
    "nifti": "NIfTI volume",
    "text": "text file",
    "pdf": "PDF document",
    "time_series": "time series",
    "scenes": "scene",
}

POSITIONAL_PREFIX: Final = "objectUrl_"

#: The data type (SDK ``DataType``, upper case) of the dataset row an entry becomes; an image
#: sequence (``createVideo: true``) is encoded into a video.
ROW_DATA_TYPE: Final = {
    "videos": "VIDEO",
    "images": "IMAGE",
    "image_groups": "IMG_GROUP",
    "dicom_series": "DICOM",
    "audio": "AUDIO",
    "nifti": "NIFTI",
    "text": "PLAIN_TEXT",
    "pdf": "PDF",
    "time_series": "TIME_SERIES",
    "scenes": "SCENE",
}
IMAGE_SEQUENCE_ROW_DATA_TYPE: Final = "VIDEO"

# --- Section 2.1: entry fields and media metadata ----------------------------------------

#: Entry keys the SDK reserves "for system use"; an error in a hand-written manifest.
SYSTEM_FIELDS: Final = frozenset({"placeholderItemUuid", "externalFileType", "clusterByResolution"})

#: The media metadata object each entry list accepts.
METADATA_KEY: Final = {
    "videos": "videoMetadata",
    "images": "imageMetadata",
    "audio": "audioMetadata",
    "text": "textMetadata",
    "pdf": "pdfMetadata",
}

#: Documented (snake_case) field name -> the camelCase spelling accepted with a warning.
METADATA_CAMEL_CASE: Final = {
    "file_size": "fileSize",
    "mime_type": "mimeType",
    "sample_rate": "sampleRate",
    "bit_depth": "bitDepth",
    "num_channels": "numChannels",
    "num_pages": "numPages",
}
CAMEL_TO_DOCUMENTED: Final = {camel: snake for snake, camel in METADATA_CAMEL_CASE.items()}

# --- Section 2.2: groups and sequences -------------------------------------------------------

MAX_SEQUENCE_IMAGES: Final = 32_767
RECOMMENDED_SEQUENCE_IMAGES: Final = 15_000

# --- Section 2.3: clientMetadata reserved keys for videos --------------------------------

KEYFRAME_MODES: Final = ("frame", "seconds")

# --- Section 2.4: scenes and time series -------------------------------------------------

#: The stream types of a scene (SDK ``encord.beta.scene``: the upload models' ``InputStream``
#: types, and ``model``, which the SDK's own scene-to-upload conversion writes).
POINT_CLOUD: Final = "point_cloud"
SCENE_STREAM_TYPES: Final = (
    POINT_CLOUD,
    "image",
    "camera_parameters",
    "frame_of_reference",
    "time_series",
    "model",
)
#: Stream types whose events each name a file (``uri``) -> the kind of that file: a key of
#: EXTENSIONS_BY_KEY, or None where no extension is documented (models).
SCENE_EVENT_FILE_KINDS: Final = {POINT_CLOUD: POINT_CLOUD, "image": "images", "model": None}
#: The format of a self-contained scene file ({"url": ..., "format": ...}), SDK SelfContainedFormat.
SCENE_FILE_FORMATS: Final = ("pcd", "ply", "las", "laz", "e57", "mcap", "bag", "db3")
#: The frame of reference every scene has without declaring it (SDK builder ``ROOT_FOR``).
SCENE_ROOT_FRAME: Final = "root"
#: Documented for multimodal scenes: up to 9 videos, up to 100 frames each. A scene's videos
#: are its image streams, their frames the streams' events (policy: the scene JSON has no
#: other kind of video).
MAX_SCENE_VIDEOS: Final = 9
MAX_SCENE_VIDEO_FRAMES: Final = 100
#: SDK TimeSeriesViewSettings: "channels must contain at most 100 entries".
MAX_TIME_SERIES_CHANNELS: Final = 100

# --- Section 3: limits -------------------------------------------------------------------

MAX_FILE_NAME_CHARS: Final = 300
MAX_URL_BYTES: Final = 16 * 1024
MAX_URLS_PER_FILE: Final = 1_000_000
MAX_ITEMS_PER_FILE: Final = 500_000
#: Plan limits vary (Free 1,000 / 10 MB, Team 2,500, Enterprise 10,000): warning thresholds.
DEFAULT_MAX_ENTRIES: Final = 10_000
DEFAULT_MAX_FILE_BYTES: Final = 100 * 1000 * 1000

#: Supported extensions by data type (lower case, with the dot).
IMAGE_EXTENSIONS: Final = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".avif", ".bmp", ".tif", ".tiff"}
)
TIFF_EXTENSIONS: Final = frozenset({".tif", ".tiff"})
SEQUENCE_EXTENSIONS: Final = IMAGE_EXTENSIONS - TIFF_EXTENSIONS
VIDEO_EXTENSIONS: Final = frozenset({".mp4", ".mov", ".webm", ".mkv"})
AUDIO_EXTENSIONS: Final = frozenset({".mp3", ".wav", ".flac", ".m4a", ".eac3", ".mp4"})
DICOM_EXTENSIONS: Final = frozenset({".dcm"})
NIFTI_EXTENSIONS: Final = frozenset({".nii", ".nii.gz"})
PDF_EXTENSIONS: Final = frozenset({".pdf"})
TEXT_EXTENSIONS: Final = frozenset({".txt", ".json", ".xml", ".html", ".htm", ".md", ".csv"})
#: Section 2.4: the documented list, and .e57, which the SDK's scene formats add.
POINT_CLOUD_EXTENSIONS: Final = frozenset(
    {".pcd", ".ply", ".las", ".laz", ".e57", ".mcap", ".bag", ".db3"}
)
#: A time series is a CSV file whose columns are its channels (SDK: "CSV header names").
TIME_SERIES_EXTENSIONS: Final = frozenset({".csv"})

EXTENSIONS_BY_KEY: Final = {
    "videos": VIDEO_EXTENSIONS,
    "images": IMAGE_EXTENSIONS,
    "image_groups": IMAGE_EXTENSIONS,
    "dicom_series": DICOM_EXTENSIONS,
    "audio": AUDIO_EXTENSIONS,
    "nifti": NIFTI_EXTENSIONS,
    "text": TEXT_EXTENSIONS,
    "pdf": PDF_EXTENSIONS,
    "time_series": TIME_SERIES_EXTENSIONS,
    # Not an entry list: the kind of the files a scene's point_cloud streams list.
    POINT_CLOUD: POINT_CLOUD_EXTENSIONS,
}


#: Which data type an extension names, for "a .mp4 in images" messages. Where an extension
#: belongs to two types (.mp4: video and audio) the first listed wins.
def _type_of_extension() -> dict[str, str]:
    table: dict[str, str] = {}
    for noun, extensions in (
        ("video", VIDEO_EXTENSIONS),
        ("image", IMAGE_EXTENSIONS),
        ("DICOM", DICOM_EXTENSIONS),
        ("audio", AUDIO_EXTENSIONS),
        ("NIfTI", NIFTI_EXTENSIONS),
        ("PDF", PDF_EXTENSIONS),
        ("text", TEXT_EXTENSIONS),
        ("point-cloud", POINT_CLOUD_EXTENSIONS),
    ):
        for extension in extensions:
            table.setdefault(extension, noun)
    return table


TYPE_OF_EXTENSION: Final = _type_of_extension()

#: Entry lists whose titles should keep the file's extension (SDK documentation).
TITLE_EXTENSION_KEYS: Final = frozenset({"videos", "audio", "nifti"})

# --- Section 4: CSV manifests ------------------------------------------------------------

#: Header cells, as compared: trimmed and lower-cased. The first cell of every header row.
CSV_URL_COLUMN: Final = "objecturl"
CSV_CREATE_VIDEO_COLUMN: Final = "create video"
#: Title column -> the entry list its section's rows go to.
CSV_TITLE_COLUMNS: Final = {
    "video title": "videos",
    "image title": "images",
    "image group title": "image_groups",
    "series title": "dicom_series",
}
#: A header of ObjectUrl alone (backwards compatibility) means videos.
CSV_URL_ONLY_SECTION: Final = "videos"
#: How the converter writes each header, and the spelling used in messages.
CSV_HEADER_NAMES: Final = {
    "objecturl": "ObjectUrl",
    "video title": "Video title",
    "image title": "Image title",
    "image group title": "Image group title",
    "create video": "Create video",
    "series title": "Series title",
}
#: The entry lists CSV can express, in the order the converter writes them (spec 4.1).
CSV_ENTRY_KEYS: Final = ("videos", "images", "image_groups", "dicom_series")
#: Delimiters that spreadsheets write instead of a comma (spec 4: an error for lint).
CSV_FOREIGN_DELIMITERS: Final = (";", "\t")


def entries_of(
    data: Any, keys: Iterable[str] = ENTRY_KEYS
) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(list key, index, entry) of every object entry in the named lists of a parsed
    manifest; whatever is not a dict of lists of objects is passed over (the schema and the
    structure rules report it)."""
    if not isinstance(data, dict):
        return
    for key in keys:
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if isinstance(entry, dict):
                yield key, index, entry
