return Rankwise.Cli.CliApp.Run(args);
