from contractvault.cli import main

main()
