from stages_tui.cli import main

raise SystemExit(main())
