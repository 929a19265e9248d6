from encord_manifest.cli import main

main()
