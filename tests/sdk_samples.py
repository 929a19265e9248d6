"""Manifests in the SDK's typed form, written by the installed ``encord`` SDK itself.

The S110 fixtures are these bytes (a test compares them when the SDK is importable); to write
them again after an SDK change: ``python -m tests.sdk_samples``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

H = "https://ward-cams.obs.eu-de.otc.t-systems.com"
ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures" / "json" / "fix"
INVALID = ROOT / "fixtures" / "json" / "invalid"


def every_type(newer: bool = False) -> Any:
    """DataUploadItems with every list the file format has (``newer``: time series, scenes)."""
    from encord.orm import storage as s

    items: dict[str, Any] = dict(
        videos=[
            s.DataUploadVideo(
                object_url=f"{H}/videos/ward-3-2024-05-01.mp4",
                title="ward-3-2024-05-01.mp4",
                client_metadata={"ward": 3},
                video_metadata=s.CustomerProvidedVideoMetadata(
                    fps=25.0,
                    duration=120.5,
                    width=1920,
                    height=1080,
                    file_size=48213776,
                    mime_type="video/mp4",
                ),
            )
        ],
        images=[
            s.DataUploadImage(
                object_url=f"{H}/images/bed-12.jpg",
                title="bed-12.jpg",
                image_metadata=s.CustomerProvidedImageMetadata(
                    mime_type="image/jpeg", file_size=204800, height=1080, width=1920
                ),
            ),
            s.DataUploadImage(object_url=f"{H}/images/bed-13.png"),
        ],
        image_groups=[
            s.DataUploadImageGroup(
                title="ward-3-beds",
                images=[
                    s.DataUploadImageGroupImage(url=f"{H}/groups/beds/{n}.jpg") for n in (0, 1)
                ],
                client_metadata={"ward": 3},
            ),
            s.DataUploadImageGroup(
                title="corridor-sequence",
                create_video=True,
                images=[
                    s.DataUploadImageGroupImage(url=f"{H}/sequences/corridor/{n:04}.jpg")
                    for n in range(3)
                ],
            ),
        ],
        dicom_series=[
            s.DataUploadDicomSeries(
                title="ct-chest-0042",
                dicom_files=[
                    s.DataUploadDicomSeriesDicomFile(url=f"{H}/dicom/ct-0042/{n}.dcm", title=None)
                    for n in (1, 2)
                ],
            )
        ],
        audio=[
            s.DataUploadAudio(
                object_url=f"{H}/audio/handover.mp3",
                title="handover.mp3",
                audio_metadata=s.CustomerProvidedAudioMetadata(
                    duration=63.2,
                    file_size=1011200,
                    mime_type="audio/mpeg",
                    sample_rate=44100,
                    bit_depth=16,
                    codec="mp3",
                    num_channels=2,
                ),
            )
        ],
        nifti=[
            s.DataUploadNifti(object_url=f"{H}/nifti/brain-0042.nii.gz", title="brain-0042.nii.gz")
        ],
        text=[
            s.DataUploadText(
                object_url=f"{H}/text/notes-0042.txt",
                text_metadata=s.CustomerProvidedTextMetadata(
                    file_size=5120, mime_type="text/plain"
                ),
            )
        ],
        pdf=[
            s.DataUploadPDF(
                object_url=f"{H}/pdf/consent-0042.pdf",
                title="consent-0042.pdf",
                pdf_metadata=s.CustomerProvidedPdfMetadata(file_size=88000, num_pages=3),
            )
        ],
        skip_duplicate_urls=True,
    )
    if newer:
        items["time_series"] = [
            s.DataUploadTimeSeries(
                object_url=f"{H}/time-series/vitals-0042.csv",
                title="vitals-0042.csv",
                client_metadata={"ward": 3},
                settings=s.TimeSeriesViewSettings(
                    channels={
                        "heart_rate": s.TimeSeriesLineChannelViewSettings(
                            label="Heart rate", color="#ff0000"
                        ),
                        "spo2": s.TimeSeriesPointsChannelViewSettings(),
                    }
                ),
            )
        ]
        items["scenes"] = [
            s.DataUploadScene(
                title="lidar-run-7",
                scene={
                    "lidar": {
                        "type": "point_cloud",
                        "events": [{"uri": f"{H}/scenes/run-7/{n:03}.pcd"} for n in (0, 1)],
                    }
                },
            )
        ]
    return s.DataUploadItems(**items)


def unconvertible() -> Any:
    """Typed items with two things the file format cannot carry: a title on one file of a
    group, and a group made of items already in Encord."""
    from encord.orm import storage as s

    return s.DataUploadItems(
        image_groups=[
            s.DataUploadImageGroup(
                title="ward-3-beds",
                images=[
                    s.DataUploadImageGroupImage(url=f"{H}/groups/beds/0.jpg", title="bed 0"),
                    s.DataUploadImageGroupImage(url=f"{H}/groups/beds/1.jpg"),
                ],
            )
        ],
        image_groups_from_items=[
            s.DataUploadImageGroupFromItems(
                title="from-items",
                image_items=[uuid.UUID("6f1f3c1e-8a8b-4b53-9f59-0c3d2b9d6a10")],
                create_video=False,
            )
        ],
    )


def _indented(data: Any, indent: int = 2) -> str:
    return json.dumps(data, indent=indent) + "\n"


#: Fixture path -> how the SDK writes it.
SAMPLES: dict[Path, Callable[[], str]] = {
    FIX / "S110-sdk-typed-items.json": lambda: _indented(every_type().to_dict()),
    FIX / "S110-sdk-typed-items-json-dumps.json": lambda: json.dumps(every_type().to_dict()),
    FIX / "S110-sdk-typed-items-with-nulls.json": lambda: _indented(
        every_type().to_dict(exclude_none=False)
    ),
    FIX / "S110-sdk-typed-items-model-dump.json": lambda: _indented(
        every_type().model_dump(mode="json"), 4
    ),
    FIX / "S110-sdk-typed-items-scenes-time-series.json": lambda: _indented(
        every_type(newer=True).to_dict()
    ),
    INVALID / "S110-sdk-typed-items.json": lambda: _indented(every_type().to_dict()),
    INVALID / "S110-sdk-typed-items-unconvertible.json": lambda: _indented(
        unconvertible().to_dict()
    ),
}


if __name__ == "__main__":
    for path, write in SAMPLES.items():
        path.write_text(write(), encoding="utf-8")
        print(path.relative_to(ROOT))
