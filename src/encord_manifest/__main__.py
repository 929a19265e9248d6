from encord_manifest._internal.cli.app import main

main()
